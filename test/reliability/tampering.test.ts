// Reliability: parts of the status directory removed or replaced under a
// running supervise. It must re-create what it needs, log a WARNING and keep
// supervising, and do so without polling: the removal itself wakes it.
import { closeSync, constants, lstatSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FIXTURES,
  SUPERVISE_BIN,
  isAlive,
  readLog,
  readStatus,
  runCommand,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';

const forever = join(FIXTURES, 'forever.sh');

function isFifo(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isFIFO() ?? false;
}

function waitForWarning(dir: string, text: string): Promise<true> {
  return waitFor(() => readLog(dir, 'supervise.log.wf').includes(text) || undefined, {
    what: `"${text}" in supervise.log.wf`,
  });
}

/**
 * startSupervised, plus a cleanup that does not depend on status.json: after
 * rm -rf the daemon's files may be gone, and a daemon that died would leave
 * its service behind. The service is in the daemon's process group.
 */
async function startTampered(command: string[]): Promise<{ dir: string; daemonPid: number; servicePid: number }> {
  const started = await startSupervised(command);
  onTestFinished(() => {
    for (const target of [-started.daemonPid, started.servicePid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return started;
}

/** Supervision goes on: k kills the service and a new one takes its place in status. */
async function expectStillSupervising(dir: string, servicePid: number): Promise<void> {
  writeControl(dir, 'k');
  const next = await waitForServicePid(dir, servicePid);
  expect(isAlive(next)).toBe(true);
  expect(isAlive(servicePid)).toBe(false);
}

/** A second supervise on the directory must find the lock held by the daemon. */
async function expectLockHeldBy(dir: string, daemonPid: number): Promise<void> {
  const second = await runCommand(SUPERVISE_BIN, ['-u', dir, forever]);
  expect(second.code, second.stderr).toBe(111);
  expect(second.stderr).toContain(`held by supervise pid ${daemonPid}`);
  const fuser = await runCommand('fuser', [join(dir, 'lock')]);
  expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([daemonPid]);
}

/** Context switches of every thread of `pid`: each wake-up of the process counts at least one. */
function countContextSwitches(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(match[1]);
  }
  return total;
}

describe('tampering with a running supervise', () => {
  it('watches without waking: a service writing __stdout and __stderr 40 times a second leaves the daemon asleep', async () => {
    const chatty = ['sh', '-c', 'while :; do echo out; echo err >&2; sleep 0.05; done'];
    const { dir, daemonPid } = await startSupervised(chatty);
    // Its log files open after the first start; past this line the daemon has nothing left to do.
    await waitForLog(dir, 'service svc started');
    const stdoutBefore = statSync(join(dir, '__stdout')).size;
    // Windows of time, not waits for an event: what is measured is that nothing happens in them.
    // The quietest of three is kept, so one V8 housekeeping task cannot fail the test.
    const windows: number[] = [];
    for (let window = 0; window < 3; window += 1) {
      const before = countContextSwitches(daemonPid);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      windows.push(countContextSwitches(daemonPid) - before);
    }
    const linesWritten = (statSync(join(dir, '__stdout')).size - stdoutBefore) / 4;
    console.log(`idle daemon: ${windows.join(', ')} context switches in three 1 s windows while the service wrote ${linesWritten} lines to each of __stdout and __stderr`);
    expect(linesWritten).toBeGreaterThan(15);
    // A watch on the directory would wake it for every line written, in every window.
    expect(Math.min(...windows)).toBeLessThanOrEqual(1);
  });

  it('re-creates a removed status at once, while idle', async () => {
    const { dir, servicePid } = await startTampered([forever]);
    await runCommand('rm', [join(dir, 'status')]);
    await waitForWarning(dir, `${dir}: status was removed; re-created it`);
    expect(readStatus(dir).pid).toBe(servicePid);
    await expectStillSupervising(dir, servicePid);
  });

  it('re-creates a removed control FIFO, which then works', async () => {
    const { dir, servicePid } = await startTampered([forever]);
    await runCommand('rm', [join(dir, 'control')]);
    await waitForWarning(dir, `${dir}: control was removed; re-created it`);
    expect(isFifo(join(dir, 'control'))).toBe(true);
    expect(statSync(join(dir, 'control')).mode & 0o777).toBe(0o600);
    await expectStillSupervising(dir, servicePid);
  });

  it('replaces a control that became a plain file (echo d > control after it was removed)', async () => {
    const { dir, servicePid } = await startTampered([forever]);
    await runCommand('rm', [join(dir, 'control')]);
    writeFileSync(join(dir, 'control'), 'd\n');
    await waitFor(() => isFifo(join(dir, 'control')) || undefined, { what: 'control a FIFO again' });
    await waitForLog(dir, /control was (removed|replaced); re-created it/, 'supervise.log.wf');
    await expectStillSupervising(dir, servicePid);
  });

  it('re-creates a removed ok, so a writer can open it again', async () => {
    const { dir } = await startTampered([forever]);
    await runCommand('rm', [join(dir, 'ok')]);
    await waitForWarning(dir, `${dir}: ok was removed; re-created it`);
    closeSync(openSync(join(dir, 'ok'), constants.O_WRONLY | constants.O_NONBLOCK));
  });

  it('takes a fresh lock when lock is removed, so a second supervise still cannot start', async () => {
    const { dir, daemonPid, servicePid } = await startTampered([forever]);
    await runCommand('rm', [join(dir, 'lock')]);
    await waitForWarning(dir, `${dir}: lock was removed; re-created it`);
    await expectLockHeldBy(dir, daemonPid);
    expect(readStatus(dir).pid).toBe(servicePid);
  });

  it('re-creates the whole directory after rm -rf and goes on supervising', async () => {
    const { dir, daemonPid, servicePid } = await startTampered([forever]);
    await runCommand('rm', ['-rf', dir]);
    await waitForWarning(dir, `${dir}: the status directory was removed; re-created it with lock, control, ok and status`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const fifo of ['control', 'ok']) expect(isFifo(join(dir, fifo))).toBe(true);
    expect(readStatus(dir).pid).toBe(servicePid);
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).supervisePid).toBe(daemonPid);
    await expectLockHeldBy(dir, daemonPid);
    await expectStillSupervising(dir, servicePid);
    // The new service writes into the re-created __stdout and __stderr.
    expect(lstatSync(join(dir, '__stderr')).isFile()).toBe(true);
  });
});
