// SPEC section 15 end to end: restart_delay / restart_delay_max (the delay
// doubles in a crash loop; status.json's nextStartAt; a u during the wait
// starts at once), success_exit_codes (no alarm, not counted) and
// no_restart_exit_codes (want down, a NOTICE, one alarm), alarms received by
// the SMTP sink on 127.0.0.1.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusJson } from '../../../src/codec/status-json.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
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

const host = hostname().replace(/\.baidu\.com$/, '');
const exitAtOnce = join(FIXTURES, 'exit-at-once.sh');
const exitCodeFromFile = join(FIXTURES, 'exit-code-from-file.sh');

function writeConfig(lines: string[]): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\n${lines.join('\n')}\n`);
  return path;
}

/** How long after the last start the armed start is due, in ms, as status.json shows it while down. */
function delayShown(json: StatusJson): number {
  const exit = json.lastExit;
  if (json.nextStartAt === null || exit === null) throw new Error('no delayed start in status.json');
  const startedAt = Date.parse(exit.at) - exit.uptimeSeconds * 1000;
  return Date.parse(json.nextStartAt) - startedAt;
}

describe('restart_delay and restart_delay_max', () => {
  it('doubles the delay of a crash loop up to the max, as nextStartAt in status.json shows', async () => {
    const conf = writeConfig(['restart_delay : 0.5', 'restart_delay_max : 2']);
    const { dir } = await startSupervised([exitAtOnce, '1'], { args: ['-F', conf] });
    const delays: number[] = [];
    for (let starts = 1; starts <= 4; starts += 1) {
      const json = await waitFor(() => {
        const current = readStatusJson(dir);
        return current.starts === starts && current.nextStartAt !== null ? current : undefined;
      }, { what: `the delayed start after start ${starts}` });
      // uptimeSeconds is rounded to 0.1 s: the start it gives is within 50 ms.
      delays.push(Math.round(delayShown(json) / 250) * 250);
    }
    expect(delays).toEqual([500, 1000, 2000, 2000]);
    writeControl(dir, 'd');
  });

  it('a u during the wait starts at once', async () => {
    const conf = writeConfig(['restart_delay : 600']);
    const { dir } = await startSupervised([exitAtOnce, '1'], { args: ['-F', conf] });
    const waiting = await waitFor(() => {
      const json = readStatusJson(dir);
      return json.nextStartAt !== null ? json : undefined;
    }, { what: 'a start delayed by restart_delay' });
    expect(waiting.starts).toBe(1);
    expect(Math.round(delayShown(waiting) / 1000)).toBe(600);
    writeControl(dir, 'u');
    // Ten minutes early: the u started it, not the timer.
    await waitFor(() => readStatusJson(dir).starts === 2 || undefined, { what: 'the second start' });
    writeControl(dir, 'd');
  });

  it('a negative delay is a WARNING, and the default one-second pacing stays', async () => {
    const conf = writeConfig(['restart_delay : -1']);
    const { dir } = await startSupervised([exitAtOnce, '1'], { args: ['-F', conf] });
    expect(readLog(dir, 'supervise.log.wf')).toContain('restart_delay "-1": expected a number of seconds from 0.1 to 2147483, such as 1 or 2.5; ignoring it');
    const json = await waitFor(() => {
      const current = readStatusJson(dir);
      return current.nextStartAt !== null ? current : undefined;
    }, { what: 'the paced start' });
    expect(Math.round(delayShown(json) / 250) * 250).toBe(1000);
    writeControl(dir, 'd');
  });
});

describe('exit codes', () => {
  itUnlessScan(SCAN_DIFFERS.gaveUp)('success_exit_codes: such exits send no alarm and are not counted; the next other exit opens the window', async () => {
    const sink = await startSmtpSink();
    const code = join(makeTempDir(), 'code');
    writeFileSync(code, '3\n');
    const conf = writeConfig([
      'alarm_interval : 60',
      'max_tries : 1',
      'success_exit_codes : 0 3',
      'alarm_mail : ops@example.com',
      `mail_transport : ${sink.url}`,
    ]);
    const { dir, daemonPid } = await startSupervised([exitCodeFromFile, code], { args: ['-F', conf] });
    await waitFor(() => countLogLines(dir, /exited with code 3, pid \d+, ran [\d.]+ s, expected \(success_exit_codes\)/) >= 3 || undefined, {
      what: 'three exits with code 3',
    });
    // max_tries 1 would have given up at the second counted exit.
    expect(isAlive(daemonPid)).toBe(true);
    expect(readStatusJson(dir).alarmWindow).toBeNull();

    writeFileSync(code, '4\n');
    await waitFor(() => sink.messages.length >= 1 || undefined, { what: 'the alarm of exit code 4' });
    // The first alarm is the code-4 exit's, the first exit of its window.
    expect(sink.messages[0].parsed.subject?.slice(20)).toBe(`[Alarm: ${host}] Service svc exited!`);
    expect(sink.messages[0].parsed.text).toContain('exit:             exited with code 4');
    expect(sink.messages[0].parsed.text).toContain('window:           1 exit, 0 core dumps in 60 s');
    // Only the code-4 exits count: max_tries 1 gives up at the second of them.
    await waitForDaemonExit(daemonPid, 15_000);
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/service svc exited 2 times in 60 s \(max_tries 1\), supervise gave up$/m);
  });

  it('no_restart_exit_codes: want becomes down, a NOTICE says why, and one alarm', async () => {
    const sink = await startSmtpSink();
    const conf = writeConfig(['alarm_interval : 60', 'no_restart_exit_codes : 78', 'alarm_mail : ops@example.com', `mail_transport : ${sink.url}`]);
    const { dir, daemonPid } = await startSupervised([exitAtOnce, '78'], { args: ['-F', conf] });
    await waitForLog(dir, 'service svc exited with code 78, one of no_restart_exit_codes: not restarting it (want down)');
    await waitFor(() => sink.messages.length >= 1 || undefined, { what: 'the no-restart alarm' });
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0].parsed.subject?.slice(20)).toBe(`[Alarm: ${host}] Service svc exited with code 78, not restarted (no_restart_exit_codes)!`);
    expect(sink.messages[0].parsed.text).toContain('the service stays down (want down): exit code 78 is in no_restart_exit_codes');
    expect(readStatus(dir)).toMatchObject({ pid: 0, want: 'down' });
    expect(readStatusJson(dir)).toMatchObject({ state: 'down', want: 'down', starts: 1, nextStartAt: null });
    expect(countLogLines(dir, /service svc started/)).toBe(1);
    expect(isAlive(daemonPid)).toBe(true);
  });

  it('a bad exit code list is a WARNING naming key and value, and the key keeps its default', async () => {
    const conf = writeConfig(['no_restart_exit_codes : 78 300']);
    const { dir } = await startSupervised([exitAtOnce, '78'], { args: ['-F', conf] });
    expect(readLog(dir, 'supervise.log.wf')).toContain('no_restart_exit_codes "78 300": expected exit codes from 0 to 255, separated by spaces or commas; ignoring it');
    // Restarted as before.
    await waitFor(() => readStatusJson(dir).starts >= 2 || undefined, { what: 'a restart' });
    writeControl(dir, 'd');
  });
});
