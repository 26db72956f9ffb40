// SPEC section 15 end to end: stop_signal (what d, supervisectl exit and
// supervise's own SIGTERM send) and ready_fd / ready_timeout (status.json's
// ready, readySince and readyTimedOut; start --wait and restart --wait wait
// for readiness and fail once ready_timeout passed).
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import {
  FIXTURES,
  SUPERVISECTL_BIN,
  isAlive,
  readLog,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  writeControl,
  type CommandResult,
} from '../../helpers/supervise-process.js';
import { itUnlessScan, SCAN_DIFFERS } from '../../helpers/test-mode.js';

const recordSignal = join(FIXTURES, 'record-signal.mjs');
const readyWhenFile = join(FIXTURES, 'ready-when-file.mjs');

function writeConfig(lines: string[]): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\n${lines.join('\n')}\n`);
  return path;
}

/** A service that records the stop signal it gets, under supervise with `lines` in supervise.conf. */
async function startRecorder(lines: string[]) {
  const record = join(makeTempDir(), 'signals');
  const service = await startSupervised([process.execPath, recordSignal, record], { args: ['-F', writeConfig(lines)] });
  await waitFor(() => existsSync(record) || undefined, { what: 'the fixture to record its start' });
  return { ...service, signals: () => readFileSync(record, 'utf8').split('\n').filter((line) => line.startsWith('SIG')) };
}

describe('stop_signal', () => {
  it('is TERM by default, as before', async () => {
    const service = await startRecorder([]);
    writeControl(service.dir, 'd');
    await waitForLog(service.dir, /service svc exited with code 0, pid \d+, ran [\d.]+ s, expected/);
    expect(service.signals()).toEqual(['SIGTERM']);
  });

  it('is what d sends: QUIT, and the exit is the expected stop', async () => {
    const service = await startRecorder(['stop_signal : QUIT']);
    writeControl(service.dir, 'd');
    await waitForLog(service.dir, /service svc exited with code 0, pid \d+, ran [\d.]+ s, expected/);
    expect(service.signals()).toEqual(['SIGQUIT']);
    expect(readLog(service.dir)).toContain('stop_signal = QUIT (from [global])');
  });

  it("is what supervise's own SIGTERM sends: INT", async () => {
    const service = await startRecorder(['stop_signal : INT']);
    process.kill(service.daemonPid, 'SIGTERM');
    await waitForDaemonExit(service.daemonPid);
    expect(service.signals()).toEqual(['SIGINT']);
  });

  // `dx` is what supervisectl exit writes (SPEC section 10; the verb itself is issue 14's).
  itUnlessScan(SCAN_DIFFERS.x)('is what d then x (supervisectl exit) sends: USR1', async () => {
    const service = await startRecorder(['stop_signal : USR1']);
    writeControl(service.dir, 'dx');
    await waitForDaemonExit(service.daemonPid);
    expect(service.signals()).toEqual(['SIGUSR1']);
    expect(isAlive(service.servicePid)).toBe(false);
  });

  it('leaves t as TERM', async () => {
    const service = await startRecorder(['stop_signal : HUP']);
    writeControl(service.dir, 't');
    await waitForLog(service.dir, /service svc exited with code 0, pid \d+, ran [\d.]+ s, expected/);
    expect(service.signals()).toEqual(['SIGTERM']);
    writeControl(service.dir, 'd');
  });

  it('a bad value is a WARNING naming key, value and expectation, and d sends TERM', async () => {
    const service = await startRecorder(['stop_signal : STOP']);
    expect(readLog(service.dir, 'supervise.log.wf')).toContain('stop_signal "STOP": expected one of TERM, INT, QUIT, HUP, USR1, USR2, KILL; ignoring it');
    writeControl(service.dir, 'd');
    await waitForLog(service.dir, /service svc exited with code 0/);
    expect(service.signals()).toEqual(['SIGTERM']);
  });
});

/** How many sockets a process holds (Node gives the service's ready_fd as one end of a socket pair). */
function socketsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

/** Runs supervisectl in the background; `settled` tells whether it has returned yet. */
function runCtlInBackground(args: string[]) {
  const state = { settled: false };
  const result = runCommand(SUPERVISECTL_BIN, args).then((outcome: CommandResult) => {
    state.settled = true;
    return outcome;
  });
  return { state, result };
}

describe('ready_fd and ready_timeout', () => {
  async function startNotReady(lines: string[]) {
    const readyFile = join(makeTempDir(), 'ready');
    const service = await startSupervised([process.execPath, readyWhenFile, '3', readyFile], { args: ['-F', writeConfig(lines)] });
    return { ...service, readyFile };
  }

  itUnlessScan(SCAN_DIFFERS.foreground)('status.json says not ready until the service writes its newline on ready_fd, then ready and since when', async () => {
    const service = await startNotReady(['ready_fd : 3']);
    expect(readStatusJson(service.dir)).toMatchObject({ state: 'up', pid: service.servicePid, ready: false, readySince: null, readyTimedOut: false });
    // supervise holds the read end of the service's ready_fd until the newline comes.
    expect(socketsOf(service.daemonPid)).toBe(1);
    const before = Date.now();
    writeFileSync(service.readyFile, '');
    const json = await waitFor(() => {
      const current = readStatusJson(service.dir);
      return current.ready ? current : undefined;
    }, { what: 'ready in status.json' });
    expect(json.pid).toBe(service.servicePid);
    expect(Date.parse(json.readySince ?? '')).toBeGreaterThanOrEqual(before - 5);
    await waitForLog(service.dir, new RegExp(`service svc ready, pid ${service.servicePid}, [\\d.]+ s after its start`));
    await waitFor(() => socketsOf(service.daemonPid) === 0 || undefined, { what: 'supervise to close its end of ready_fd' });
  });

  it('start --wait returns only after the service is ready', async () => {
    const service = await startNotReady(['ready_fd : 3']);
    writeControl(service.dir, 'd');
    await waitFor(() => readStatusJson(service.dir).state === 'down' || undefined, { what: 'the service down' });

    const ctl = runCtlInBackground(['start', '--wait=20', service.dir]);
    // The service runs, and start --wait has written its u, yet it does not return: the service is not ready.
    await waitFor(() => (readStatusJson(service.dir).pid !== 0 && readLog(service.dir).includes('control command u (up)')) || undefined, { what: 'the new start' });
    expect(readStatusJson(service.dir).ready).toBe(false);
    expect(ctl.state.settled).toBe(false);

    writeFileSync(service.readyFile, '');
    const result = await ctl.result;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(readStatusJson(service.dir).ready).toBe(true);
  });

  it('restart --wait waits for the new pid to be ready', async () => {
    const service = await startNotReady(['ready_fd : 3']);
    writeFileSync(service.readyFile, '');
    await waitFor(() => readStatusJson(service.dir).ready || undefined, { what: 'the first start ready' });

    const ctl = runCtlInBackground(['restart', '--wait=20', service.dir]);
    await waitFor(() => {
      const json = readStatusJson(service.dir);
      return (json.pid !== 0 && json.pid !== service.servicePid) || undefined;
    }, { what: 'the new pid' });
    expect(readStatusJson(service.dir).ready).toBe(false);
    expect(ctl.state.settled).toBe(false);

    writeFileSync(service.readyFile, '');
    expect(await ctl.result).toMatchObject({ code: 0 });
    expect(readStatusJson(service.dir).ready).toBe(true);
  });

  it('start --wait fails once ready_timeout passed, with a WARNING in the log and readyTimedOut in status.json', async () => {
    const service = await startNotReady(['ready_fd : 3', 'ready_timeout : 1']);
    const result = await runCommand(SUPERVISECTL_BIN, ['start', '--wait=20', service.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${service.dir}: up (pid ${service.servicePid}) but not ready within its ready_timeout, wanted up and ready`);
    expect(readStatusJson(service.dir)).toMatchObject({ state: 'up', ready: false, readyTimedOut: true });
    expect(readLog(service.dir, 'supervise.log.wf')).toContain(
      `service svc pid ${service.servicePid} not ready 1 s after its start (ready_timeout 1): no newline on descriptor 3 yet`,
    );
    // It stays supervised and may still become ready.
    writeFileSync(service.readyFile, '');
    await waitFor(() => readStatusJson(service.dir).ready || undefined, { what: 'ready after the timeout' });
  });

  it('ready_fd 1 is a WARNING, and the key keeps its default: up is ready', async () => {
    const service = await startNotReady(['ready_fd : 1']);
    expect(readLog(service.dir, 'supervise.log.wf')).toContain(
      `ready_fd "1": expected a descriptor number from 3 to 1023 (0, 1 and 2 are the service's stdin, stdout and stderr); ignoring it`,
    );
    expect(readStatusJson(service.dir)).toMatchObject({ state: 'up', ready: true });
    expect(await runCommand(SUPERVISECTL_BIN, ['start', '--wait=5', service.dir])).toMatchObject({ code: 0 });
  });

  it('without ready_fd, start --wait returns once up, as before, and status.json says ready', async () => {
    const service = await startNotReady([]);
    expect(readStatusJson(service.dir)).toMatchObject({ ready: true, readySince: readStatusJson(service.dir).since });
    expect(await runCommand(SUPERVISECTL_BIN, ['start', '--wait=5', service.dir])).toMatchObject({ code: 0 });
  });
});
