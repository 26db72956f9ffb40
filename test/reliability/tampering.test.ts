// Reliability: parts of the status directory removed or replaced under a
// running supervise. It must re-create what it needs, log a WARNING and keep
// supervising, and do so without polling: the removal itself wakes it.
import { closeSync, constants, lstatSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FOREVER,
  SUPERVISE_BIN,
  isAlive,
  readLog,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';


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
  const second = await runCommand(SUPERVISE_BIN, ['-u', dir, FOREVER]);
  expect(second.code, second.stderr).toBe(111);
  expect(second.stderr).toContain(`held by supervise pid ${daemonPid}`);
  const fuser = await runCommand('fuser', [join(dir, 'lock')]);
  expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([daemonPid]);
}

/** Context switches of every thread of `pid`: each wake-up of the process counts at least one. */
/** The inodes the process watches through inotify, from /proc/PID/fdinfo. */
function inotifyWatchedInodes(pid: number): number[] {
  const inodes: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    for (const match of info.matchAll(/^inotify wd:\d+ ino:([0-9a-f]+) /gm)) inodes.push(Number.parseInt(match[1], 16));
  }
  return inodes;
}

describe('tampering with a running supervise', () => {
  // How often an idle daemon wakes is a figure of `npm run bench` (idle
  // wake-ups); here, the reason it can stay asleep: it watches the inodes of
  // lock, control, ok and status, never the directory, so the service writing
  // __stdout and __stderr next door raises no inotify event at all.
  it('watches the inodes it keeps, not the directory the service writes in', async () => {
    const chatty = ['sh', '-c', 'while :; do echo out; echo err >&2; sleep 0.05; done'];
    const { dir, daemonPid } = await startSupervised(chatty);
    await waitForLog(dir, 'service svc started');
    const watched = inotifyWatchedInodes(daemonPid);
    const inode = (name: string) => statSync(join(dir, name)).ino;
    for (const kept of ['lock', 'control', 'ok']) expect(watched).toContain(inode(kept));
    for (const busy of ['.', '__stdout', '__stderr', 'supervise.log']) expect(watched).not.toContain(inode(busy));
  });

  it('re-creates a removed status at once, while idle', async () => {
    const { dir, servicePid } = await startTampered([FOREVER]);
    await runCommand('rm', [join(dir, 'status')]);
    await waitForWarning(dir, `${dir}: status was removed; re-created it`);
    expect(readStatus(dir).pid).toBe(servicePid);
    await expectStillSupervising(dir, servicePid);
  });

  it('re-creates a removed control FIFO, which then works', async () => {
    const { dir, servicePid } = await startTampered([FOREVER]);
    await runCommand('rm', [join(dir, 'control')]);
    await waitForWarning(dir, `${dir}: control was removed; re-created it`);
    expect(isFifo(join(dir, 'control'))).toBe(true);
    expect(statSync(join(dir, 'control')).mode & 0o777).toBe(0o600);
    await expectStillSupervising(dir, servicePid);
  });

  it('replaces a control that became a plain file (echo d > control after it was removed)', async () => {
    const { dir, servicePid } = await startTampered([FOREVER]);
    await runCommand('rm', [join(dir, 'control')]);
    writeFileSync(join(dir, 'control'), 'd\n');
    await waitFor(() => isFifo(join(dir, 'control')) || undefined, { what: 'control a FIFO again' });
    await waitForLog(dir, /control was (removed|replaced); re-created it/, 'supervise.log.wf');
    await expectStillSupervising(dir, servicePid);
  });

  it('re-creates a removed ok, so a writer can open it again', async () => {
    const { dir } = await startTampered([FOREVER]);
    await runCommand('rm', [join(dir, 'ok')]);
    await waitForWarning(dir, `${dir}: ok was removed; re-created it`);
    closeSync(openSync(join(dir, 'ok'), constants.O_WRONLY | constants.O_NONBLOCK));
  });

  it('takes a fresh lock when lock is removed, so a second supervise still cannot start', async () => {
    const { dir, daemonPid, servicePid } = await startTampered([FOREVER]);
    await runCommand('rm', [join(dir, 'lock')]);
    await waitForWarning(dir, `${dir}: lock was removed; re-created it`);
    await expectLockHeldBy(dir, daemonPid);
    expect(readStatus(dir).pid).toBe(servicePid);
  });

  it('re-creates the whole directory after rm -rf and goes on supervising', async () => {
    const { dir, daemonPid, servicePid } = await startTampered([FOREVER]);
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

  it('re-creates the directory for a restart that comes before the removal is noticed', async () => {
    const { dir, daemonPid, servicePid } = await startTampered([FOREVER]);
    // Past the one-second pacing, so the restart is immediate, not armed for later.
    const startedAt = Date.parse(readStatusJson(dir).since);
    await waitFor(() => Date.now() > startedAt + 1_100 || undefined, { what: '1.1 s after the start' });
    // The service dies in the same breath as the directory: its restart opens
    // __stdout in a directory that is gone, before inotify's news is handled.
    rmSync(dir, { recursive: true, force: true });
    process.kill(servicePid, 'SIGKILL');
    const next = await waitForServicePid(dir, servicePid);
    expect(isAlive(next)).toBe(true);
    expect(lstatSync(join(dir, '__stdout')).isFile()).toBe(true);
    // The last exit is the kill, not a failed start (which would be code 127).
    expect(readStatusJson(dir).lastExit).toMatchObject({ signal: 'SIGKILL', code: null });
    await expectLockHeldBy(dir, daemonPid);
  });
});
