// Reliability: a supervise killed with SIGKILL leaves its service running
// (SPEC section 9). The next supervise on that directory must find it, stop
// it and only then start a fresh one, so two copies never run; and a pid that
// now belongs to an unrelated process must be left alone.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeStatus, timestampOf } from '../../src/codec/status-codec.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FIXTURES,
  SUPERVISE_BIN,
  isAlive,
  killDaemonAfterTest,
  readLog,
  readStatus,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  type CommandResult,
} from '../helpers/supervise-process.js';

/** sysconf(_SC_CLK_TCK): /proc/PID/stat counts start times in these. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Unix ms at which `pid` started, from /proc/PID/stat starttime and /proc/stat btime. */
function processStartMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  return (btime + startTicks / CLOCK_TICKS) * 1000;
}

function cmdlineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
}

/** Unix ms of the TAI64 label in bytes 0-11 of status. */
function statusLabelMs(dir: string): number {
  const status = readStatus(dir);
  return status.seconds * 1000 + status.nanoseconds / 1e6;
}

/** Runs supervise on `dir` (an absolute path), killing what it leaves running after the test. */
function superviseOn(dir: string, args: string[]): Promise<CommandResult> {
  killDaemonAfterTest(dir);
  return runCommand(SUPERVISE_BIN, args);
}

/** Kills `pid` after the test if it still runs: a failed test must not leak the orphan. */
function killAfterTest(pid: number): void {
  onTestFinished(() => {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
}

/** Starts supervise, SIGKILLs the daemon and returns the orphaned service, checked to be the one status names. */
async function orphanService(command: string[], args: string[] = []): Promise<{ dir: string; orphan: number }> {
  const { dir, daemonPid, servicePid } = await startSupervised(command, { args });
  killAfterTest(servicePid);
  process.kill(daemonPid, 'SIGKILL');
  await waitForDaemonExit(daemonPid);
  expect(isAlive(servicePid)).toBe(true);
  expect(readStatus(dir).pid).toBe(servicePid);
  expect(Math.abs(processStartMs(servicePid) - statusLabelMs(dir))).toBeLessThan(2000);
  return { dir, orphan: servicePid };
}

/** A live process unrelated to any supervise, killed after the test. */
function startUnrelated(args: string[]): number {
  const child = spawn('sleep', args, { stdio: 'ignore' });
  const pid = child.pid as number;
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return pid;
}

function writeStatusNaming(dir: string, pid: number, startedAtMs: number): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'status'), encodeStatus({ ...timestampOf(startedAtMs), paused: false, want: 'up', alarmsOn: true, pid }));
}

describe('a service left running by a supervise killed with SIGKILL', () => {
  it('is stopped with TERM before a fresh copy starts, and supervise returns only then', async () => {
    const life = join(makeTempDir(), 'life');
    const command = [process.execPath, join(FIXTURES, 'record-life.mjs'), life];
    const { dir, orphan } = await orphanService(command);
    expect(cmdlineOf(orphan)).toEqual(command);

    const second = await superviseOn(dir, ['-u', dir, ...command]);
    expect(second.code, second.stderr).toBe(0);
    // No waiting: the old service is gone by the time supervise returns.
    expect(isAlive(orphan)).toBe(false);
    const fresh = readStatus(dir).pid;
    expect(fresh).not.toBe(orphan);
    expect(isAlive(fresh)).toBe(true);

    await waitFor(() => readFileSync(life, 'utf8').includes(`start ${fresh}`) || undefined, { what: 'the fresh copy to record its start' });
    expect(readFileSync(life, 'utf8').trim().split('\n')).toEqual([`start ${orphan}`, `stop ${orphan}`, `start ${fresh}`]);
    await waitForLog(
      dir,
      new RegExp(`\\[WARNING\\] .* service svc pid ${orphan}, started by a previous supervise, still runs .*stopping it`),
      'supervise.log.wf',
    );
    const log = await waitForLog(dir, `service svc started, pid ${fresh}`);
    const gone = log.indexOf(`old service svc pid ${orphan} gone after TERM`);
    expect(gone).toBeGreaterThan(-1);
    expect(log.indexOf(`service svc started, pid ${fresh}`)).toBeGreaterThan(gone);
  });

  it('gets KILL 5 s after TERM when it ignores TERM and stop_timeout is not set', async () => {
    // ignore-term.sh execs into `sleep infinity`, so only its session (the
    // dead supervise's) and its start time tie it to the status file.
    const command = [join(FIXTURES, 'ignore-term.sh')];
    const { dir, orphan } = await orphanService(command);
    expect(cmdlineOf(orphan)).toEqual(['sleep', 'infinity']);

    const startedAt = Date.now();
    const second = await superviseOn(dir, ['-u', dir, ...command]);
    const tookMs = Date.now() - startedAt;
    expect(second.code, second.stderr).toBe(0);
    expect(isAlive(orphan)).toBe(false);
    expect(tookMs).toBeGreaterThanOrEqual(5000);
    await waitForLog(dir, `old service svc pid ${orphan} still running 5 s after TERM, sending KILL`, 'supervise.log.wf');
    await waitForLog(dir, `old service svc pid ${orphan} gone after KILL`);
    expect(isAlive(readStatus(dir).pid)).toBe(true);
  });

  it('gets KILL after stop_timeout when that is set', async () => {
    const conf = join(makeTempDir(), 'supervise.conf');
    writeFileSync(conf, '[global]\nstop_timeout : 1\n');
    const command = [join(FIXTURES, 'ignore-term.sh')];
    const { dir, orphan } = await orphanService(command, ['-F', conf]);

    const second = await superviseOn(dir, ['-F', conf, '-u', dir, ...command]);
    expect(second.code, second.stderr).toBe(0);
    expect(isAlive(orphan)).toBe(false);
    await waitForLog(dir, `old service svc pid ${orphan} still running 1 s after TERM, sending KILL`, 'supervise.log.wf');
  });
});

describe('a pid in status that now belongs to an unrelated process', () => {
  it('is left alone when it runs another command', async () => {
    const unrelated = startUnrelated(['1000']);
    const dir = join(makeTempDir(), 'status', 'svc');
    writeStatusNaming(dir, unrelated, processStartMs(unrelated));

    const result = await superviseOn(dir, ['-u', dir, join(FIXTURES, 'forever.sh')]);
    expect(result.code, result.stderr).toBe(0);
    expect(isAlive(unrelated)).toBe(true);
    await waitForLog(dir, `status names pid ${unrelated} from a previous supervise, left alone: it runs ["sleep","1000"], not the command`);
    expect(readLog(dir, 'supervise.log.wf')).not.toContain(String(unrelated));
    expect(readStatus(dir).pid).not.toBe(unrelated);
  });

  it('is left alone when it runs the same command but started at another time', async () => {
    const unrelated = startUnrelated(['1001']);
    const dir = join(makeTempDir(), 'status', 'svc');
    writeStatusNaming(dir, unrelated, processStartMs(unrelated) - 3_600_000);

    const result = await superviseOn(dir, ['-u', dir, 'sleep', '1001']);
    expect(result.code, result.stderr).toBe(0);
    expect(isAlive(unrelated)).toBe(true);
    await waitForLog(dir, new RegExp(`status names pid ${unrelated} from a previous supervise, left alone: it started 3600\\.\\d s away`));
    expect(readStatus(dir).pid).not.toBe(unrelated);
  });

  it('is ignored when it no longer runs', async () => {
    const child = spawn('true', [], { stdio: 'ignore' });
    const pid = child.pid as number;
    await new Promise((resolve) => child.on('close', resolve));
    const dir = join(makeTempDir(), 'status', 'svc');
    writeStatusNaming(dir, pid, Date.now());

    const result = await superviseOn(dir, ['-u', dir, join(FIXTURES, 'forever.sh')]);
    expect(result.code, result.stderr).toBe(0);
    await waitForLog(dir, `status names pid ${pid} from a previous supervise; it no longer runs`);
  });
});
