import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  defaultMailFrom,
  findSendmail,
  listSendmailCandidates,
  sendMail,
  type OutgoingMail,
} from '../../../src/alarm/send-mail.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { findRefusedPort, startSilentServer, startSmtpSink } from '../../helpers/smtp-sink.js';
import { setEnv, unsetEnv } from '../../helpers/set-env.js';
import { isAlive } from '../../helpers/supervise-process.js';

const FAKE_SENDMAIL = resolve(import.meta.dirname, '../../fixtures/fake-sendmail.mjs');

/** Pids of this process's live children whose command line names `path`. */
function childrenRunning(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

const mail = (transport: string, extra: Partial<OutgoingMail> = {}): OutgoingMail => ({
  transport,
  from: 'supervise@db-01.example.org',
  to: ['ops@example.com', 'dev@example.com', 'oncall@example.net'],
  subject: '2026-11-21 15:51:21 [Alarm: db-01] Service redis exited!',
  text: 'module:  redis\nexit:    exited with code 3\n\nlast 1 line of __stderr:\n  füße: out of memory\n',
  ...extra,
});

/**
 * Nothing else in a test of this file holds a TCP socket or a referenced timer once a send
 * is over, so any left is one sendMail leaked. Closing takes a moment (the client ends its
 * side after QUIT, then the server closes its own), hence the wait.
 */
async function waitForNothingLingering(): Promise<void> {
  const lingering = (): string[] =>
    process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout');
  await waitFor(() => lingering().length === 0 || undefined, {
    what: 'no TCP socket or referenced timer left by sendMail',
    timeoutMs: 5_000,
  }).catch((error: Error) => {
    throw new Error(`${error.message}; active: ${lingering().join(', ')}`);
  });
}

describe('sendMail over SMTP', () => {
  it('sends ONE message to all recipients with the subject and body', async () => {
    const sink = await startSmtpSink();
    await sendMail(mail(sink.url));

    expect(sink.messages).toHaveLength(1);
    const [received] = sink.messages;
    expect(received.mailFrom).toBe('supervise@db-01.example.org');
    expect(received.rcptTo).toEqual(['ops@example.com', 'dev@example.com', 'oncall@example.net']);
    expect(received.parsed.subject).toBe('2026-11-21 15:51:21 [Alarm: db-01] Service redis exited!');
    expect(received.parsed.from?.text).toBe('supervise@db-01.example.org');
    expect(received.parsed.text).toContain('exit:    exited with code 3\n');
    expect(received.parsed.text).toContain('füße: out of memory');
    expect(sink.connections()).toBe(1);
  });

  it('keeps a subject with an injected CRLF inside the Subject header', async () => {
    // render-alarm escapes control characters; this checks the transport does not need to be trusted alone either.
    const sink = await startSmtpSink();
    await sendMail(mail(sink.url, { subject: 'Service x exited!\r\nBcc: evil@example.com' }));
    const [received] = sink.messages;
    expect(received.rcptTo).not.toContain('evil@example.com');
    expect(received.parsed.headers.has('bcc')).toBe(false);
  });

  it('leaves no socket or timer referenced once it resolves', async () => {
    const sink = await startSmtpSink();
    await sendMail(mail(sink.url));
    await waitForNothingLingering();
    expect(sink.messages).toHaveLength(1);
  });

  it('fails with a timeout from a server that accepts and never answers', async () => {
    const silent = await startSilentServer();
    const error = await sendMail(mail(silent.url), 500).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.message).toBe(`unable to send mail via ${silent.url}: no answer within 500 ms (timed out)`);
    expect(error?.code).toBe('ETIMEDOUT');
    expect(silent.accepted()).toBe(1);
    // The client must not keep the connection: it is closed by the time we give up on it.
    await waitFor(() => silent.openSockets() === 0, { what: 'the client to close its socket to the silent server' });
    await waitForNothingLingering();
  });

  it('fails fast with the reason when the connection is refused', async () => {
    const port = await findRefusedPort();
    const error = await sendMail(mail(`smtp://127.0.0.1:${port}`), 30_000).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.message).toMatch(new RegExp(`^unable to send mail via smtp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    await waitForNothingLingering();
  });

  it('never shows the password of an SMTP URL in its error', async () => {
    const port = await findRefusedPort();
    const error = await sendMail(mail(`smtp://alarm:s3cret@127.0.0.1:${port}`)).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`smtp://***@127.0.0.1:${port}`);
    expect(error?.message).not.toContain('s3cret');
  });

  it('never shows the credentials of a malformed transport in its error (issue 16, defect 3)', async () => {
    for (const transport of ['smtp:/alarm:s3cret@mail.corp:25', 'smtp:alarm:s3cret@mail.corp', 'alarm:s3cret@mail.corp']) {
      const error = await sendMail(mail(transport)).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain('***@mail.corp');
      expect(error?.message).not.toContain('s3cret');
    }
  });

  it('resolves with the recipients the server accepted', async () => {
    const sink = await startSmtpSink();
    const receipt = await sendMail(mail(sink.url, { to: ['ops@example.com', 'not-an-address', 'dev@example.com'] }));
    expect(receipt).toEqual({ accepted: ['ops@example.com', 'dev@example.com'], rejected: [] });
    expect(sink.messages[0].rcptTo).toEqual(['ops@example.com', 'dev@example.com']);
  });

  it('rejects an unknown transport and an empty recipient list without connecting', async () => {
    await expect(sendMail(mail('http://127.0.0.1:1'))).rejects.toThrow(
      'unable to send mail via http://127.0.0.1:1: unsupported mail transport',
    );
    await expect(sendMail(mail('smtp://127.0.0.1:1', { to: [] }))).rejects.toThrow('no recipients');
  });
});

describe('sendMail over smtps, trusting the CAs that NODE_EXTRA_CA_CERTS names', () => {
  /** A self-signed certificate for 127.0.0.1, made by openssl: its own CA. */
  function makeCertificate(): { key: string; cert: string; certPath: string } {
    const dir = makeTempDir();
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  }

  it('refuses the server without them, and sends when bin/ parked them or the daemon gave them back', async () => {
    const { key, cert, certPath } = makeCertificate();
    const sink = await startSmtpSink({ tls: { key, cert } });
    // Neither name set, as in supervise's Node when the caller named no CAs.
    unsetEnv('NODE_EXTRA_CA_CERTS');
    unsetEnv('SUPERVISE_NODE_EXTRA_CA_CERTS');
    await expect(sendMail(mail(sink.url), 10_000)).rejects.toThrow(/self[- ]signed certificate/);

    setEnv('SUPERVISE_NODE_EXTRA_CA_CERTS', certPath);
    await expect(sendMail(mail(sink.url), 10_000)).resolves.toMatchObject({ accepted: mail(sink.url).to });
    unsetEnv('SUPERVISE_NODE_EXTRA_CA_CERTS');
    setEnv('NODE_EXTRA_CA_CERTS', certPath);
    await expect(sendMail(mail(sink.url), 10_000)).resolves.toMatchObject({ accepted: mail(sink.url).to });
    expect(sink.messages).toHaveLength(2);
  });
});

describe('sendMail through sendmail', () => {
  it('rejects with the places it looked in when no sendmail exists', async () => {
    const dir = makeTempDir();
    const candidates = listSendmailCandidates(`${dir}:${join(dir, 'bin')}`).filter((path) => path.startsWith(dir));
    await expect(sendMail(mail('sendmail'), 1_000, { sendmailPaths: candidates })).rejects.toThrow(
      `unable to send mail: no sendmail program found (looked in ${dir}/sendmail, ${dir}/bin/sendmail)`,
    );
  });

  it.skipIf(findSendmail(listSendmailCandidates()) !== null)(
    'rejects by default on this machine, which has no sendmail',
    async () => {
      await expect(sendMail(mail('sendmail'))).rejects.toThrow(/^unable to send mail: no sendmail program found \(looked in \/usr\/sbin\/sendmail, \/usr\/lib\/sendmail/);
    },
  );

  it('pipes one message for all recipients to sendmail -i -f FROM TO...', async () => {
    const out = join(makeTempDir(), 'sendmail.json');
    setEnv('FAKE_SENDMAIL_FILE', out);
    const receipt = await sendMail(mail('sendmail'), 10_000, { sendmailPaths: [FAKE_SENDMAIL] });
    expect(receipt.accepted).toEqual(['ops@example.com', 'dev@example.com', 'oncall@example.net']);

    const recorded = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; message: string };
    expect(recorded.argv).toEqual([
      '-i',
      '-f',
      'supervise@db-01.example.org',
      'ops@example.com',
      'dev@example.com',
      'oncall@example.net',
    ]);
    const parsed = await simpleParser(recorded.message);
    expect(parsed.subject).toBe('2026-11-21 15:51:21 [Alarm: db-01] Service redis exited!');
    expect(parsed.text).toContain('füße: out of memory');
  });

  it('rejects with the exit code of a sendmail that read the message and failed', async () => {
    const out = join(makeTempDir(), 'sendmail.json');
    setEnv('FAKE_SENDMAIL_FILE', out);
    setEnv('FAKE_SENDMAIL_EXIT', '75');
    await expect(sendMail(mail('sendmail'), 10_000, { sendmailPaths: [FAKE_SENDMAIL] })).rejects.toMatchObject({
      message: `unable to send mail via sendmail ${FAKE_SENDMAIL}: ${FAKE_SENDMAIL} exited with code 75`,
      code: 'ESENDMAIL',
    });
    expect((JSON.parse(readFileSync(out, 'utf8')) as { message: string }).message).toContain('Subject: 2026-11-21 15:51:21');
  });

  it('never runs sendmail with an address it would read as an option', async () => {
    const out = join(makeTempDir(), 'sendmail.json');
    setEnv('FAKE_SENDMAIL_FILE', out);
    await expect(sendMail(mail('sendmail', { to: ['ops@example.com', '-oQ/tmp@example.com'] }), 10_000, { sendmailPaths: [FAKE_SENDMAIL] })).rejects.toMatchObject({
      message: `unable to send mail via sendmail ${FAKE_SENDMAIL}: the address "-oQ/tmp@example.com" starts with "-", which sendmail would read as an option`,
      code: 'ESENDMAIL',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('kills a sendmail that hangs and rejects at the timeout', async () => {
    const out = join(makeTempDir(), 'sendmail.json');
    setEnv('FAKE_SENDMAIL_FILE', out);
    setEnv('FAKE_SENDMAIL_HANG', '1');
    // Long enough for the fixture to start and record its pid on a busy machine.
    const error = await sendMail(mail('sendmail'), 2_000, { sendmailPaths: [FAKE_SENDMAIL] }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe('unable to send mail via sendmail: no answer within 2000 ms (timed out)');
    // On a busy machine the fixture may not have got as far as recording its
    // pid within the 2 s: look for it among our children by its command line.
    // A process being killed has no command line left for a moment before it
    // is a zombie: the pid it recorded, when it got that far, is waited on too.
    const recordedPid = () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { pid: number }).pid : null);
    const hung = () => {
      const recorded = recordedPid();
      return [...childrenRunning(FAKE_SENDMAIL), ...(recorded !== null && isAlive(recorded) ? [recorded] : [])];
    };
    onTestFinished(() => {
      for (const pid of hung()) process.kill(pid, 'SIGKILL');
    });
    await waitFor(() => hung().length === 0 || undefined, { what: 'the hung sendmail to be killed' });
  });
});

describe('findSendmail and listSendmailCandidates', () => {
  it('looks in the standard places, then on PATH', () => {
    expect(listSendmailCandidates('')).toEqual(['/usr/sbin/sendmail', '/usr/lib/sendmail']);
    expect(listSendmailCandidates('/opt/bin::/usr/sbin')).toEqual([
      '/usr/sbin/sendmail',
      '/usr/lib/sendmail',
      '/opt/bin/sendmail',
    ]);
  });

  it('skips files that are missing or not executable', () => {
    const dir = makeTempDir();
    const notExecutable = join(dir, 'plain');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    chmodSync(notExecutable, 0o644);
    expect(findSendmail([join(dir, 'missing'), notExecutable, dir, FAKE_SENDMAIL])).toBe(FAKE_SENDMAIL);
    expect(findSendmail([join(dir, 'missing'), notExecutable])).toBeNull();
  });
});

describe('defaultMailFrom', () => {
  it('is supervise@HOST', () => {
    expect(defaultMailFrom('db-01.baidu.com')).toBe('supervise@db-01.baidu.com');
  });
});
