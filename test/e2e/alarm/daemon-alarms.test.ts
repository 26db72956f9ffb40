// SPEC section 5 end to end: the daemon's alarm windows, limits and mail,
// received by a real SMTP server on 127.0.0.1 and parsed with mailparser.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRefusedPort, startSilentServer, startSmtpSink } from '../../helpers/smtp-sink.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import {
  FIXTURES,
  countLogLines,
  isAlive,
  readLog,
  readStatus,
  readStatusJson,
  startSupervised,
  waitForDaemonExit,
  writeControl,
} from '../../helpers/supervise-process.js';
import { itUnlessScan, SCAN_DIFFERS } from '../../helpers/test-mode.js';

const SUBJECT_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /;
const host = hostname().replace(/\.baidu\.com$/, '');

function writeConfig(lines: string[]): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('giving up', () => {
  itUnlessScan(SCAN_DIFFERS.gaveUp)('starts a service that exits at once three times under max_tries 2, then alarms, writes pid 0 and want d, and exits', async () => {
    const sink = await startSmtpSink();
    const conf = writeConfig([
      '[global]',
      'alarm_interval : 60',
      'max_tries : 2',
      'alarm_mail : ops@example.com dev@example.com',
      `mail_transport : ${sink.url}`,
    ]);
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'stderr-and-exit.sh'), '3'], { args: ['-F', conf] });
    await waitForDaemonExit(daemonPid, 15_000);
    expect(countLogLines(dir, /service svc started/)).toBe(3);
    expect(readLog(dir, 'supervise.log.wf')).toMatch(
      /^\[FATAL\] .* service svc exited 3 times in 60 s \(max_tries 2\), supervise gave up$/m,
    );
    expect(readStatus(dir)).toMatchObject({ pid: 0, want: 'down' });
    expect(readStatusJson(dir)).toMatchObject({ state: 'down', starts: 3, lastExit: { code: 3 } });

    // The gave-up mail is sent before exiting, but delivery runs on: wait for both.
    await waitFor(() => sink.messages.length === 2 || undefined, { what: 'two mails', timeoutMs: 10_000 });
    const [first, last] = sink.messages;
    expect(first.rcptTo).toEqual(['ops@example.com', 'dev@example.com']);
    expect(first.parsed.subject).toMatch(SUBJECT_DATE);
    expect(first.parsed.subject?.slice(20)).toBe(`[Alarm: ${host}] Service svc exited!`);
    expect(last.parsed.subject?.slice(20)).toBe(`[Alarm: ${host}] Service svc exited 3 times in 60 s, supervise gave up!`);

    const body = first.parsed.text ?? '';
    for (const field of [`host:`, `module:           svc`, `status directory: ${dir}`, 'stderr-and-exit.sh 3', 'exit:             exited with code 3', 'ran for:', 'window:           1 exit, 0 core dumps in 60 s', 'next:             restarting in']) {
      expect(body).toContain(field);
    }
    expect(body).toContain('last 20 lines of __stderr:');
    expect(body).toMatch(/ {2}stderr line 6 of \d+\n[\s\S]* {2}stderr line 25 of \d+\n/);
    expect(body).not.toContain('stderr line 5 of');
  });
});

describe('alarm windows', () => {
  it('sends exactly one exit alarm for a crash loop within one window, and none while silenced', async () => {
    const sink = await startSmtpSink();
    const conf = writeConfig(['[global]', 'alarm_interval : 60', 'alarm_mail : ops@example.com', `mail_transport : ${sink.url}`]);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], { args: ['-F', conf] });
    await waitFor(() => countLogLines(dir, /service svc started/) >= 4 || undefined, { what: 'four starts' });
    expect(sink.messages).toHaveLength(1);
    await waitFor(() => (readStatusJson(dir).alarmWindow?.exits ?? 0) >= 3 || undefined, { what: 'three exits in the window' });
    writeControl(dir, 'd');
  });

  itUnlessScan(SCAN_DIFFERS.gaveUp)('reports a SIGSEGV as a core dump and gives up past max_tries_if_coredumped', async () => {
    const sink = await startSmtpSink();
    const conf = writeConfig([
      '[global]', 'alarm_interval : 60', 'max_tries_if_coredumped : 1', 'alarm_mail : ops@example.com', `mail_transport : ${sink.url}`,
    ]);
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'crash-signal.sh'), 'SEGV'], { args: ['-F', conf] });
    await waitForDaemonExit(daemonPid, 15_000);
    expect(readLog(dir)).toMatch(/service svc exited with coredump \(SIGSEGV\), pid \d+/);
    expect(readLog(dir, 'supervise.log.wf')).toContain('dumped core 2 times in 60 s (max_tries_if_coredumped 1), supervise gave up');
    await waitFor(() => sink.messages.length === 2 || undefined, { what: 'two mails' });
    expect(sink.messages[0].parsed.subject).toMatch(/Service svc exited with coredump!$/);
    expect(sink.messages[0].parsed.text).toContain('exited with coredump (SIGSEGV)');
  });
});

describe('alarm delivery never delays supervision', () => {
  it('keeps pacing and control with an SMTP server that never answers, and warns within about 30 s', async () => {
    const silent = await startSilentServer();
    const conf = writeConfig(['[global]', 'alarm_interval : 60', 'alarm_mail : ops@example.com', `mail_transport : ${silent.url}`]);
    const stamps = join(makeTempDir(), 'stamps');
    const { dir } = await startSupervised([join(FIXTURES, 'stamp-and-exit.sh'), stamps, '1'], { args: ['-F', conf] });
    // Restarts go on, one a second, while the mail hangs.
    await waitFor(() => countLogLines(dir, /service svc started/) >= 5 || undefined, { what: 'five starts', timeoutMs: 10_000 });
    writeControl(dir, 's');
    await waitFor(() => readStatus(dir).alarmsOn === false || undefined, { what: 'the s command applied', timeoutMs: 1_000 });
    await waitFor(() => /unable to send alarm mail to ops@example.com: .*(time|Timeout)/i.test(readLog(dir, 'supervise.log.wf')) || undefined, {
      what: 'the mail timeout warning',
      timeoutMs: 40_000,
    });
    writeControl(dir, 'd');
  }, 60_000);

  it('warns at once when the SMTP server refuses, and restarts go on', async () => {
    const port = await findRefusedPort();
    const conf = writeConfig(['[global]', 'alarm_interval : 60', 'alarm_mail : ops@example.com', `mail_transport : smtp://127.0.0.1:${port}`]);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], { args: ['-F', conf] });
    await waitFor(() => /unable to send alarm mail .*ECONNREFUSED/.test(readLog(dir, 'supervise.log.wf')) || undefined, {
      what: 'the refused warning',
    });
    await waitFor(() => countLogLines(dir, /service svc started/) >= 3 || undefined, { what: 'restarts going on' });
    writeControl(dir, 'd');
  });

  it('warns clearly when the default sendmail transport finds no sendmail', async () => {
    const conf = writeConfig(['[global]', 'alarm_interval : 60', 'alarm_mail : ops@example.com']);
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], {
      args: ['-F', conf],
      env: { ...process.env, PATH: '/nonexistent:/bin:/usr/bin' },
    });
    await waitFor(() => /unable to send alarm mail to ops@example.com: .*sendmail/.test(readLog(dir, 'supervise.log.wf')) || undefined, {
      what: 'the sendmail warning',
    });
    expect(isAlive(daemonPid)).toBe(true);
    writeControl(dir, 'd');
  });
});

describe('alarm_mail entries that are not addresses (issue 16)', () => {
  it('warns naming the entry and its line, and the sent line names only the address the mail went to', async () => {
    const sink = await startSmtpSink();
    const conf = writeConfig(['[global]', 'alarm_interval : 60', 'alarm_mail : ops dev@example.com', `mail_transport : ${sink.url}`]);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], { args: ['-F', conf] });
    await waitFor(() => sink.messages.length === 1 || undefined, { what: 'the alarm mail' });
    expect(sink.messages[0].rcptTo).toEqual(['dev@example.com']);
    await waitFor(() => countLogLines(dir, /alarm mail sent to /) === 1 || undefined, { what: 'the sent line' });
    expect(readLog(dir)).toMatch(/^\[NOTICE\] .* alarm mail sent to dev@example\.com: .*Service svc exited!$/m);
    const warning = `${conf} line 3: alarm_mail entry "ops" is not a mail address (no @); no alarm mail goes to it`;
    const logged = await waitForLog(dir, warning, 'supervise.log.wf');
    expect(logged.split('\n').filter((line) => line.startsWith('[WARNING] ') && line.endsWith(warning)), logged).toHaveLength(1);
    writeControl(dir, 'd');
  });
});

describe('gsm', () => {
  it('runs gsm_command once per number with the single argument NUMBER@MESSAGE', async () => {
    const record = join(makeTempDir(), 'gsm.jsonl');
    const conf = writeConfig([
      '[global]', 'alarm_interval : 60', 'alarm_gsm : 13800000000', `gsm_command : ${join(FIXTURES, 'record-argv.mjs')}`,
      '[svc]', 'alarm_gsm : 13900000000',
    ]);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '1'], {
      args: ['-F', conf],
      env: { ...process.env, RECORD_ARGV_FILE: record },
    });
    await waitFor(() => countLogLines(dir, /alarm gsm sent to 13800000000 13900000000/) === 1 || undefined, { what: 'the gsm notice' });
    const { readFileSync } = await import('node:fs');
    const calls = readFileSync(record, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[] });
    expect(calls.map((call) => call.argv.length)).toEqual([1, 1]);
    expect(calls.map((call) => call.argv[0].split('@')[0]).sort()).toEqual(['13800000000', '13900000000']);
    expect(calls[0].argv[0]).toMatch(/^\d+@.*\[Alarm: .*\] Service svc exited!$/);
    writeControl(dir, 'd');
  });
});
