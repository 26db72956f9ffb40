// Issue 16, defect 3: a mail_transport password must never reach supervise.log
// or supervise.log.wf, however the URL is written: not in the values logged at
// start and on `r`, not in the warnings about the value, not in a failed send.
// The status directory is searched with grep itself after each step.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { FIXTURES, countLogLines, runCommand, startSupervised, writeControl } from '../../helpers/supervise-process.js';

const SECRET = 'Sup3rS3cret';

function writeConfig(transport: string): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\nalarm_interval : 60\nalarm_mail : ops@example.com\nmail_transport : ${transport}\n`);
  return path;
}

/** The files of the status directory that hold the secret, as grep -rl lists them. */
async function filesHoldingSecret(dir: string): Promise<string> {
  const result = await runCommand('grep', ['-rl', '--', SECRET, dir]);
  // grep exits 1 when nothing matched, 2 on trouble: trouble must not pass as "no secret".
  expect(result.code, result.stderr).not.toBe(2);
  return result.stdout;
}

describe('mail_transport credentials in the log (issue 16, defect 3)', () => {
  it('masks a malformed URL (one slash) at start, on r and after a failed alarm send', async () => {
    const conf = writeConfig(`smtp:/alarm:${SECRET}@mail.corp:25`);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], {
      args: ['-F', conf],
      // No sendmail: the transport falls back to it, and the alarm send fails.
      env: { ...process.env, PATH: '/nonexistent:/bin:/usr/bin' },
    });
    const refused = 'mail_transport "smtp:/***@mail.corp:25": expected sendmail or an smtp:// or smtps:// URL with a host';
    await waitForLog(dir, refused, 'supervise.log.wf');
    await waitForLog(dir, `config ${conf}: alarm_interval = 60`);
    expect(await filesHoldingSecret(dir)).toBe('');

    await waitForLog(dir, /unable to send alarm mail to ops@example\.com: .*sendmail/, 'supervise.log.wf');
    expect(await filesHoldingSecret(dir)).toBe('');

    writeControl(dir, 'r');
    await waitForLog(dir, `config ${conf} not reloaded`, 'supervise.log.wf');
    expect(countLogLines(dir, new RegExp(refused.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), 'supervise.log.wf')).toBe(2);
    expect(await filesHoldingSecret(dir)).toBe('');
    writeControl(dir, 'd');
  });

  it('masks a well-formed URL whose send fails at a real SMTP server, at start, after the failure and on r', async () => {
    const sink = await startSmtpSink();
    const port = new URL(sink.url).port;
    const conf = writeConfig(`smtp://alarm:${SECRET}@127.0.0.1:${port}`);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], { args: ['-F', conf] });
    await waitForLog(dir, `mail_transport = smtp://***@127.0.0.1:${port} (from [global])`);
    expect(await filesHoldingSecret(dir)).toBe('');

    // The sink has no AUTH: nodemailer's login fails, and its error goes to the log.
    await waitForLog(dir, new RegExp(`unable to send alarm mail to ops@example\\.com: unable to send mail via smtp://\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*535`), 'supervise.log.wf');
    expect(sink.messages).toHaveLength(0);
    expect(await filesHoldingSecret(dir)).toBe('');

    writeControl(dir, 'r');
    await waitForLog(dir, new RegExp(`config ${conf} reloaded: .*mail_transport = smtp://\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    expect(await filesHoldingSecret(dir)).toBe('');
    writeControl(dir, 'd');
  });
});
