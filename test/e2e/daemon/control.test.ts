// SPEC section 4: every control byte through the real FIFO.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import {
  FOREVER,
  countLogLines,
  isAlive,
  readLog,
  readStatus,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  waitForServicePid,
  writeControl,
} from '../../helpers/supervise-process.js';
import { itUnlessScan, SCAN_DIFFERS } from '../../helpers/test-mode.js';


function processState(pid: number): string {
  return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
}

/** A service that writes the name of every signal it receives to a file. */
function signalRecorder(file: string): string[] {
  const traps = ['HUP', 'ALRM', 'INT', 'TERM']
    .map((name) => `trap 'echo ${name} >> "$1"' ${name}`)
    .join('; ');
  return ['sh', '-c', `${traps}; echo ready >> "$1"; while :; do sleep 0.05; done`, 'recorder', file];
}

describe('control bytes', () => {
  it('d stops the service (TERM then CONT) and u starts it again', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'd');
    await waitFor(() => !isAlive(servicePid), { what: `service ${servicePid} to stop` });
    await waitFor(() => readStatus(dir).pid === 0 || undefined, { what: 'pid 0 in status' });
    expect(String.fromCharCode(readFileSync(join(dir, 'status'))[13])).toBe('d');
    expect(readLog(dir)).toMatch(/service svc was killed by SIGTERM, pid \d+, ran [\d.]+ s, expected/);
    writeControl(dir, 'u');
    const newPid = await waitForServicePid(dir, servicePid);
    expect(readStatus(dir)).toMatchObject({ want: 'up', pid: newPid });
  });

  it('o runs the service once: no restart after it exits', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'd');
    await waitFor(() => readStatus(dir).pid === 0 || undefined, { what: 'the service down' });
    writeControl(dir, 'o');
    const oncePid = await waitForServicePid(dir, servicePid);
    expect(readStatus(dir).want).toBe('once');
    expect(readFileSync(join(dir, 'status'))[13]).toBe(0);
    process.kill(oncePid, 'SIGKILL');
    await waitFor(() => countLogLines(dir, new RegExp(`pid ${oncePid}, ran`)) === 1 || undefined, { what: 'the exit logged' });
    // The log line and the status rewrite are two files: wait for status itself.
    await waitFor(() => readStatus(dir).pid === 0 || undefined, { what: 'pid 0 in status after the once run' });
    expect(countLogLines(dir, /service svc started/)).toBe(2);
  });

  itUnlessScan(SCAN_DIFFERS.x)('x with the service up waits for it to go down, then exits leaving pid 0', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'x\n');
    await waitFor(() => countLogLines(dir, /control command x/) === 1 || undefined, { what: 'x logged' });
    expect(isAlive(daemonPid)).toBe(true);
    expect(isAlive(servicePid)).toBe(true);
    writeControl(dir, 'd');
    await waitForDaemonExit(daemonPid);
    expect(readStatus(dir).pid).toBe(0);
    expect(readLog(dir)).toContain('supervise svc exiting');
  });

  itUnlessScan(SCAN_DIFFERS.x)('x with the service down exits at once', async () => {
    const { dir, daemonPid } = await startSupervised([FOREVER]);
    writeControl(dir, 'd');
    await waitFor(() => readStatus(dir).pid === 0 || undefined, { what: 'the service down' });
    await runCommand('sh', ['-c', `echo x > "$1"`, 'sh', join(dir, 'control')]);
    await waitForDaemonExit(daemonPid);
  });

  it('p and c stop and continue the service and flip the paused byte', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'p');
    await waitFor(() => processState(servicePid) === 'T' || undefined, { what: 'the service stopped' });
    await waitFor(() => readStatus(dir).paused || undefined, { what: 'paused byte 1' });
    writeControl(dir, 'c');
    await waitFor(() => processState(servicePid) === 'S' || undefined, { what: 'the service running again' });
    // CONT goes out just before status is rewritten: wait for the byte itself.
    await waitFor(() => readStatus(dir).paused === false || undefined, { what: 'paused byte 0' });
  });

  it('d stops a paused service: the CONT after TERM lets it see the TERM', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'p');
    await waitFor(() => processState(servicePid) === 'T' || undefined, { what: 'the service stopped' });
    writeControl(dir, 'd');
    await waitFor(() => !isAlive(servicePid) || undefined, { what: `paused service ${servicePid} to end` });
    // Dead is not yet reaped: status follows once the daemon has seen the exit.
    await waitFor(() => readStatus(dir).pid === 0 || undefined, { what: 'status naming pid 0' });
    expect(readStatus(dir)).toMatchObject({ pid: 0, paused: false, want: 'down' });
  });

  it('h a i t send HUP ALRM INT TERM to the service', async () => {
    const record = join(makeTempDir(), 'signals');
    const { dir } = await startSupervised(signalRecorder(record));
    await waitFor(() => readFileSync(record, 'utf8').includes('ready') || undefined, { what: 'the recorder ready' });
    for (const [letter, name] of [['h', 'HUP'], ['a', 'ALRM'], ['i', 'INT'], ['t', 'TERM']]) {
      writeControl(dir, letter);
      await waitFor(() => readFileSync(record, 'utf8').includes(name) || undefined, { what: `${name} recorded` });
    }
    expect(readFileSync(record, 'utf8').trim().split('\n')).toEqual(['ready', 'HUP', 'ALRM', 'INT', 'TERM']);
  });

  it('k kills the service; the exit is expected and it comes back with a new pid', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, 'k');
    const newPid = await waitForServicePid(dir, servicePid);
    expect(newPid).not.toBe(servicePid);
    expect(readLog(dir)).toMatch(new RegExp(`was killed by SIGKILL, pid ${servicePid}, ran [\\d.]+ s, expected`));
  });

  it('s and n flip the alarm byte; r reloads the config and logs it', async () => {
    const { dir } = await startSupervised([FOREVER]);
    writeControl(dir, 's');
    await waitFor(() => readStatus(dir).alarmsOn === false || undefined, { what: "alarm byte 'x'" });
    expect(String.fromCharCode(readFileSync(join(dir, 'status'))[14])).toBe('x');
    writeControl(dir, 'n');
    await waitFor(() => readStatus(dir).alarmsOn || undefined, { what: "alarm byte 'o'" });
    writeControl(dir, 'r');
    await waitFor(() => countLogLines(dir, /control command r/) === 1 || undefined, { what: 'r logged' });
  });

  it('applies several commands of one write in order and ignores bytes that are not commands', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    writeControl(dir, Buffer.from('\n \x00\xffZ9ds'));
    await waitFor(() => !isAlive(servicePid) || undefined, { what: 'the service stopped by d' });
    await waitFor(() => (readStatus(dir).alarmsOn === false && readStatus(dir).pid === 0) || undefined, { what: 's after d' });
    expect(readLog(dir)).toContain('control: unknown command "Z" ignored');
    writeControl(dir, 'us');
    await waitForServicePid(dir, servicePid);
  });
});
