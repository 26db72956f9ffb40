// Reliability and security: file modes of the status directory, no shell
// anywhere, and no way for a module name, a command or the service's stderr
// to add mail headers or forge log lines (SPEC sections 1, 3, 5, 8).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FIXTURES,
  FOREVER,
  SUPERVISE_BIN,
  isAlive,
  killDaemonAfterTest,
  readLog,
  readStatus,
  runCommand,
  startSupervised,
} from '../helpers/supervise-process.js';

const LOG_LINE = /^\[(NOTICE|WARNING|FATAL)\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^\x00-\x1f\x7f-\x9f\u2028\u2029]*$/u;

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** Runs supervise with umask 000, the loosest a caller can have. */
async function startWithOpenUmask(dir: string): Promise<void> {
  killDaemonAfterTest(dir);
  const result = await runCommand('sh', ['-c', 'umask 000; exec "$@"', 'sh', SUPERVISE_BIN, '-u', dir, FOREVER]);
  expect(result.code, result.stderr).toBe(0);
}

/** Every line of both logs is one whole line that supervise wrote. */
function expectOnlyWholeLogLines(dir: string): void {
  for (const file of ['supervise.log', 'supervise.log.wf'] as const) {
    for (const line of readLog(dir, file).split('\n').filter((text) => text !== '')) expect(line).toMatch(LOG_LINE);
  }
}

describe('file modes', () => {
  it('makes the directory (and parents) 0700 and the FIFOs, lock and logs 0600 even under umask 000', async () => {
    const root = makeTempDir();
    const dir = join(root, 'status', 'svc');
    await startWithOpenUmask(dir);
    expect(modeOf(join(root, 'status'))).toBe('0700');
    expect(modeOf(dir)).toBe('0700');
    for (const file of ['control', 'ok', 'lock', 'supervise.log', 'supervise.log.wf']) expect([file, modeOf(join(dir, file))]).toEqual([file, '0600']);
  });

  it('tightens control, ok and lock left behind 0666', async () => {
    const dir = join(makeTempDir(), 'status', 'svc');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const fifo of ['control', 'ok']) await runCommand('mkfifo', ['-m', '666', join(dir, fifo)]);
    writeFileSync(join(dir, 'lock'), '', { mode: 0o666 });
    await runCommand('chmod', ['666', join(dir, 'lock')]);
    expect(modeOf(join(dir, 'control'))).toBe('0666');

    await startWithOpenUmask(dir);
    for (const file of ['control', 'ok', 'lock']) expect([file, modeOf(join(dir, file))]).toEqual([file, '0600']);
  });
});

describe('no shell anywhere', () => {
  it('passes $(...) and ; in the command to the program as words, running nothing else', async () => {
    const root = makeTempDir();
    const marks = [join(root, 'mark-1'), join(root, 'mark-2'), join(root, 'mark-3')];
    const text = `printf '%s\\n' $(touch ${marks[0]}) ; touch ${marks[1]} \`touch ${marks[2]}\` && sleep 1000`;
    const dir = join(root, 'status', 'svc');
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-p', dir, '-f', text]);
    expect(result.code, result.stderr).toBe(0);
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes('1000') || undefined, { what: 'printf output' });
    // printf exits and is restarted every second: look at its first run.
    expect(readFileSync(join(dir, '__stdout'), 'utf8').split('\n').slice(0, 10)).toEqual([
      '$(touch', `${marks[0]})`, ';', 'touch', marks[1], `\`touch`, `${marks[2]}\``, '&&', 'sleep', '1000',
    ]);
    for (const mark of marks) expect(existsSync(mark), mark).toBe(false);
  });
});

describe('injection through the module name and stderr', () => {
  it('sends the alarm mail and gsm without a shell, adds no header and forges no log line', async () => {
    const root = makeTempDir();
    const marks = [join(root, 'mark-name-1'), join(root, 'mark-name-2'), join(root, 'mark-gsm')];
    // Everything after status/ is the module name: slashes, $( ), ; and newlines included.
    const module = `evil$(touch ${marks[0]});touch ${marks[1]}\nBcc: evil-name@example.com\n[FATAL] 2026-01-01 00:00:00 forged by name`;
    const dir = join(root, 'status', module);
    const gsmFile = join(root, 'gsm.jsonl');
    const sink = await startSmtpSink();
    const conf = join(root, 'supervise.conf');
    writeFileSync(
      conf,
      [
        '[global]',
        'alarm_interval : 60',
        'alarm_mail : ops@example.com',
        `mail_transport : ${sink.url}`,
        `alarm_gsm : 13800000000;touch$IFS${marks[2]}`,
        `gsm_command : ${join(FIXTURES, 'record-argv.mjs')}`,
        '',
      ].join('\n'),
    );
    await startSupervised([join(FIXTURES, 'stderr-inject.sh')], {
      dir,
      args: ['-F', conf],
      env: { ...process.env, RECORD_ARGV_FILE: gsmFile },
    });

    await waitFor(() => sink.messages.length >= 1 || undefined, { what: 'the alarm mail', timeoutMs: 15_000 });
    const [mail] = sink.messages;
    expect(mail.rcptTo).toEqual(['ops@example.com']);
    const headerBlock = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    const headerNames = headerBlock
      .split('\r\n')
      .filter((line) => !/^\s/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(headerNames).not.toContain('bcc');
    expect(headerNames.filter((name) => name === 'subject')).toHaveLength(1);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.subject).toContain('evil$(touch');
    expect(mail.parsed.subject).toContain('\\nBcc: evil-name@example.com\\n[FATAL]');
    const body = mail.parsed.text ?? '';
    // Quoted in the body, indented, ESC made visible: text, not headers.
    expect(body).toContain('\n  Subject: forged by stderr\n  Bcc: evil-stderr@example.com\n');
    expect(body).toContain('\\x1b[31m[FATAL] 2026-01-01 00:00:00 forged by stderr');
    expect(body.split('\n').some((line) => line.startsWith('Bcc:') || line.startsWith('Subject:'))).toBe(false);

    await waitFor(() => (existsSync(gsmFile) && readFileSync(gsmFile, 'utf8').length > 0) || undefined, { what: 'the gsm run' });
    const gsmArgv = (JSON.parse(readFileSync(gsmFile, 'utf8').split('\n')[0]) as { argv: string[] }).argv;
    expect(gsmArgv).toHaveLength(1);
    expect(gsmArgv[0].startsWith(`13800000000;touch$IFS${marks[2]}@`)).toBe(true);
    expect(gsmArgv[0]).not.toContain('\n');

    for (const mark of marks) expect(existsSync(mark), mark).toBe(false);
    await waitForLog(dir, '\\nBcc: evil-name@example.com\\n[FATAL] 2026-01-01 00:00:00 forged by name');
    expectOnlyWholeLogLines(dir);
    expect(readLog(dir, 'supervise.log.wf')).not.toMatch(/^\[FATAL\] 2026-01-01/m);
    expect(isAlive(readStatus(dir).pid) || readStatus(dir).pid === 0).toBe(true);
  });
});
