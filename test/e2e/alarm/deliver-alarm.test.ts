import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deliverAlarm, type AlarmLog, type AlarmTarget } from '../../../src/alarm/deliver-alarm.js';
import { renderAlarm, type AlarmReport } from '../../../src/alarm/render-alarm.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { findRefusedPort, startSilentServer, startSmtpSink } from '../../helpers/smtp-sink.js';

const RECORD_ARGV = resolve(import.meta.dirname, '../../fixtures/record-argv.mjs');

const report: AlarmReport = {
  kind: 'exit',
  host: 'db-01.baidu.com',
  module: 'redis',
  statusDir: 'status/redis',
  command: ['./bin/redis-server', '--port', '6379'],
  pid: 4242,
  exit: { code: null, signal: 'SIGSEGV', coreDumped: true, uptimeMs: 2_500 },
  window: { exits: 1, coreDumps: 1, seconds: 60, openedAt: 0 },
  next: 'restarting in 1 s',
  stderrTail: ['Segmentation fault in dict.c:42'],
  at: Date.UTC(2026, 10, 21, 7, 51, 21),
};
const { subject, shortText } = renderAlarm(report);

interface CollectedLog extends AlarmLog {
  notices: string[];
  warnings: string[];
}

function collectLog(): CollectedLog {
  const notices: string[] = [];
  const warnings: string[] = [];
  return {
    notices,
    warnings,
    notice: (message) => notices.push(message),
    warning: (message) => warnings.push(message),
  };
}

function target(extra: Partial<AlarmTarget>): AlarmTarget {
  return { mailTransport: 'sendmail', mailFrom: null, alarmMail: [], gsmCommand: RECORD_ARGV, alarmGsm: [], ...extra };
}

function recordGsm(): () => string[][] {
  const file = join(makeTempDir(), 'gsm.jsonl');
  const saved = process.env.RECORD_ARGV_FILE;
  process.env.RECORD_ARGV_FILE = file;
  onTestFinished(() => {
    if (saved === undefined) delete process.env.RECORD_ARGV_FILE;
    else process.env.RECORD_ARGV_FILE = saved;
  });
  return () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => (JSON.parse(line) as { argv: string[] }).argv)
      : [];
}

describe('deliverAlarm', () => {
  it('sends the rendered mail and gsm and logs a NOTICE for each', async () => {
    const sink = await startSmtpSink();
    const gsmRuns = recordGsm();
    const log = collectLog();
    await deliverAlarm(
      report,
      target({ mailTransport: sink.url, alarmMail: ['ops@example.com', 'dev@example.com'], alarmGsm: ['13800000000'] }),
      log,
    );

    expect(log.warnings).toEqual([]);
    expect(log.notices.sort()).toEqual([
      `alarm gsm sent to 13800000000: ${shortText}`,
      `alarm mail sent to ops@example.com dev@example.com: ${subject}`,
    ]);
    expect(sink.messages).toHaveLength(1);
    const [mail] = sink.messages;
    expect(mail.rcptTo).toEqual(['ops@example.com', 'dev@example.com']);
    expect(mail.mailFrom).toBe('supervise@db-01.baidu.com');
    expect(mail.parsed.subject).toBe(subject);
    expect(mail.parsed.subject).toContain('[Alarm: db-01] Service redis exited with coredump!');
    expect(mail.parsed.text).toContain('exited with coredump (SIGSEGV)');
    expect(mail.parsed.text).toContain('  Segmentation fault in dict.c:42');
    expect(gsmRuns()).toEqual([[`13800000000@${shortText}`]]);
  });

  it('uses the configured sender', async () => {
    const sink = await startSmtpSink();
    await deliverAlarm(
      report,
      target({ mailTransport: sink.url, mailFrom: 'alarms@example.com', alarmMail: ['ops@example.com'] }),
      collectLog(),
    );
    expect(sink.messages[0]?.mailFrom).toBe('alarms@example.com');
  });

  it('resolves and logs a WARNING with the reason for each failed delivery', async () => {
    const port = await findRefusedPort();
    const missing = join(makeTempDir(), 'gsmsend-script');
    const log = collectLog();
    await expect(
      deliverAlarm(
        report,
        target({
          mailTransport: `smtp://127.0.0.1:${port}`,
          alarmMail: ['ops@example.com'],
          gsmCommand: missing,
          alarmGsm: ['13800000000'],
        }),
        log,
      ),
    ).resolves.toBeUndefined();

    expect(log.notices).toEqual([]);
    expect(log.warnings).toHaveLength(2);
    expect(log.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(`^unable to send alarm mail to ops@example\\.com: unable to send mail via smtp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
      ),
    );
    expect(log.warnings).toContain(`unable to send alarm gsm to 13800000000: ${missing}: command not found (ENOENT)`);
  });

  it('logs the numbers that got the gsm and those that did not', async () => {
    const gsmRuns = recordGsm();
    const saved = process.env.RECORD_ARGV_FAIL;
    process.env.RECORD_ARGV_FAIL = '13900000001';
    onTestFinished(() => {
      if (saved === undefined) delete process.env.RECORD_ARGV_FAIL;
      else process.env.RECORD_ARGV_FAIL = saved;
    });
    const log = collectLog();
    await deliverAlarm(report, target({ alarmGsm: ['13800000000', '13900000001', '13700000002'] }), log);
    expect(gsmRuns()).toHaveLength(3);
    expect(log.notices).toEqual([`alarm gsm sent to 13800000000 13700000002: ${shortText}`]);
    expect(log.warnings).toEqual([`unable to send alarm gsm to 13900000001: ${RECORD_ARGV}: exited with code 7`]);
  });

  it('gives up on a server that never answers, within the timeout it is given', async () => {
    const silent = await startSilentServer();
    const log = collectLog();
    await deliverAlarm(report, target({ mailTransport: silent.url, alarmMail: ['ops@example.com'] }), log, 500);
    expect(log.warnings).toEqual([
      `unable to send alarm mail to ops@example.com: unable to send mail via ${silent.url}: no answer within 500 ms (timed out)`,
    ]);
  });

  it('names in the sent line only the recipients the mail went to, and warns about the others (issue 16)', async () => {
    const sink = await startSmtpSink();
    const log = collectLog();
    await deliverAlarm(report, target({ mailTransport: sink.url, alarmMail: ['ops', 'dev@example.com'] }), log);
    expect(log.notices).toEqual([`alarm mail sent to dev@example.com: ${subject}`]);
    expect(log.warnings).toEqual(['alarm mail not sent to "ops": not a mail address']);
    expect(sink.messages.map((m) => m.rcptTo)).toEqual([['dev@example.com']]);
  });

  it('says that no mail was sent, and why, when no recipient is a mail address (issue 16)', async () => {
    const sink = await startSmtpSink();
    const log = collectLog();
    await deliverAlarm(report, target({ mailTransport: sink.url, alarmMail: ['ops', 'root'] }), log);
    expect(log.notices).toEqual([]);
    expect(log.warnings).toEqual(['no alarm mail sent: alarm_mail has no mail address ("ops", "root" are not one)']);
    expect(sink.connections()).toBe(0);
  });

  it('names a recipient the server refused apart from those it took', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        callback(address.address === 'gone@example.com' ? Object.assign(new Error('no such user'), { responseCode: 550 }) : undefined);
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.server.address() as AddressInfo;
    const log = collectLog();
    await deliverAlarm(report, target({ mailTransport: `smtp://127.0.0.1:${port}`, alarmMail: ['ops@example.com', 'gone@example.com'] }), log);
    expect(log.notices).toEqual([`alarm mail sent to ops@example.com: ${subject}`]);
    expect(log.warnings).toEqual(['alarm mail not sent to gone@example.com: refused by the mail server']);
  });

  it('never logs the credentials of the transport when a send fails (issue 16, defect 3)', async () => {
    const sink = await startSmtpSink();
    const secret = 'Sup3rS3cret';
    const transports = [
      // One slash: no URL parser finds the password in it.
      `smtp:/alarm:${secret}@mail.corp:25`,
      // Well formed, to a real server that refuses the login.
      sink.url.replace('smtp://', `smtp://alarm:${secret}@`),
    ];
    for (const mailTransport of transports) {
      const log = collectLog();
      await deliverAlarm(report, target({ mailTransport, alarmMail: ['ops@example.com'] }), log);
      expect(log.notices).toEqual([]);
      expect(log.warnings).toHaveLength(1);
      expect(log.warnings[0]).toContain('***@');
      expect(log.warnings[0]).not.toContain(secret);
    }
  });

  it('does nothing without recipients or numbers', async () => {
    const sink = await startSmtpSink();
    const log = collectLog();
    await deliverAlarm(report, target({ mailTransport: sink.url }), log);
    expect(sink.connections()).toBe(0);
    expect(log.notices).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('resolves even when the logger throws', async () => {
    const throwing: AlarmLog = {
      notice: () => {
        throw new Error('disk full');
      },
      warning: () => {
        throw new Error('disk full');
      },
    };
    const missing = join(makeTempDir(), 'gsmsend-script');
    await expect(
      deliverAlarm(report, target({ gsmCommand: missing, alarmGsm: ['13800000000'] }), throwing),
    ).resolves.toBeUndefined();
  });

  it('resolves with a WARNING for a report that cannot be rendered', async () => {
    const log = collectLog();
    const broken = { ...report, command: undefined } as unknown as AlarmReport;
    await expect(deliverAlarm(broken, target({ alarmGsm: ['13800000000'] }), log)).resolves.toBeUndefined();
    expect(log.warnings).toEqual([expect.stringMatching(/^unable to render alarm for service redis: /)]);
  });

  it('resolves with a WARNING for a target that is not a target', async () => {
    const log = collectLog();
    let delivery: Promise<void> | undefined;
    expect(() => {
      delivery = deliverAlarm(report, null as unknown as AlarmTarget, log);
    }).not.toThrow();
    await expect(delivery).resolves.toBeUndefined();
    expect(log.warnings).toEqual([expect.stringMatching(/^unable to deliver alarm: /)]);
  });
});
