// SPEC sections 2 and 3 through the tools start scripts use: od, fuser, flock, pgrep.
import { constants, closeSync, openSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import {
  FOREVER,
  isAlive,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  writeControl,
} from '../../helpers/supervise-process.js';
import { itUnlessScan, SCAN_DIFFERS } from '../../helpers/test-mode.js';


function okOpensForWriting(dir: string): boolean {
  try {
    closeSync(openSync(join(dir, 'ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw error;
  }
}

function procField(pid: number, field: string): string {
  const match = new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? match[1] : '';
}

/** Session id and process group from /proc/PID/stat (fields after the command name). */
function sessionOf(pid: number): { pgrp: number; session: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(fields[2]), session: Number(fields[3]) };
}

describe('status directory files', () => {
  it('returns with the service running and its pid readable by od', async () => {
    const { dir, servicePid, daemonPid } = await startSupervised([FOREVER]);
    expect(isAlive(servicePid)).toBe(true);
    const od = await runCommand('od', ['-An', '-j16', '-N4', '-tu4', join(dir, 'status')]);
    expect(Number(od.stdout.trim())).toBe(servicePid);
    expect(procField(servicePid, 'PPid')).toBe(String(daemonPid));
    expect(statSync(join(dir, 'status')).size).toBe(20);
  });

  it('shows the daemon, and only the daemon, as the holder of lock', async () => {
    const { dir, daemonPid } = await startSupervised([FOREVER]);
    const fuser = await runCommand('fuser', [join(dir, 'lock')]);
    expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([daemonPid]);
    const flock = await runCommand('flock', ['-n', join(dir, 'lock'), 'true']);
    expect(flock.code).not.toBe(0);
  });

  itUnlessScan(SCAN_DIFFERS.session)('makes the daemon a session leader with the service in its session', async () => {
    const { daemonPid, servicePid } = await startSupervised([FOREVER]);
    expect(sessionOf(daemonPid)).toEqual({ pgrp: daemonPid, session: daemonPid });
    expect(sessionOf(servicePid).session).toBe(daemonPid);
    const pgrep = await runCommand('pgrep', ['-s', String(daemonPid)]);
    expect(pgrep.stdout.trim().split('\n').map(Number).sort()).toEqual([daemonPid, servicePid].sort());
  });

  itUnlessScan(SCAN_DIFFERS.foreground)('creates the directory 0700 and the FIFOs and lock 0600, with stdio on /dev/null', async () => {
    const { dir, daemonPid } = await startSupervised([FOREVER]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const fifo of ['control', 'ok']) {
      const stat = statSync(join(dir, fifo));
      expect(stat.isFIFO()).toBe(true);
      expect(stat.mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'lock')).mode & 0o777).toBe(0o600);
    for (const fd of [0, 1, 2]) {
      expect(readlinkSync(`/proc/${daemonPid}/fd/${fd}`)).toBe('/dev/null');
    }
  });

  itUnlessScan(SCAN_DIFFERS.x)('lets ok be opened for writing exactly while supervise runs', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    expect(okOpensForWriting(dir)).toBe(true);
    writeControl(dir, 'x');
    process.kill(servicePid, 'SIGTERM');
    await waitForDaemonExit(daemonPid);
    expect(okOpensForWriting(dir)).toBe(false);
    const flock = await runCommand('flock', ['-n', join(dir, 'lock'), 'true']);
    expect(flock.code).toBe(0);
  });

  it('keeps the lock and hand-off descriptors out of the service', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    const lockIno = statSync(join(dir, 'lock')).ino;
    for (const fd of (await runCommand('ls', [`/proc/${servicePid}/fd`])).stdout.trim().split(/\s+/)) {
      const stat = statSync(`/proc/${servicePid}/fd/${fd}`);
      expect(stat.ino === lockIno).toBe(false);
      expect(stat.isSocket()).toBe(false);
    }
  });

  itUnlessScan(SCAN_DIFFERS.runScript)('writes status.json with the same state', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    const json = readStatusJson(dir);
    expect(json).toMatchObject({
      module: 'svc', statusDir: dir, supervisePid: daemonPid, pid: servicePid, state: 'up', want: 'up',
      paused: false, alarms: 'on', command: [FOREVER], starts: 1, lastExit: null, alarmWindow: null,
    });
    writeControl(dir, 'k');
    await waitFor(() => readStatusJson(dir).starts === 2 || undefined, { what: 'a second start' });
    expect(readStatusJson(dir).lastExit).toMatchObject({ signal: 'SIGKILL', code: null, coreDumped: false, expected: true });
    expect(readStatus(dir).pid).toBe(readStatusJson(dir).pid);
  });
});
