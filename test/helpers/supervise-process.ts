// Runs the built supervise against real status directories and makes sure
// every daemon and service a test started is gone when the test finishes.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { decodeStatus, type Status } from '../../src/codec/status-codec.js';
import type { StatusJson } from '../../src/codec/status-json.js';
import { isSessionLeader, signalSessionProcesses } from '../../src/io/session-processes.js';
import { makeTempDir } from './temp-dir.js';
import { SCAN_MODE } from './test-mode.js';
import { waitFor } from './wait-for.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SUPERVISE_BIN = join(REPO_ROOT, 'bin/supervise');
export const SUPERVISECTL_BIN = join(REPO_ROOT, 'bin/supervisectl');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures');
/** The service most tests run: sleeps until killed. */
export const FOREVER = join(FIXTURES, 'forever.sh');

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, no shell, stdin closed. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs bin/supervise in the foreground shell's place; daemons it leaves are cleaned up after the test. */
export async function runSupervise(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; statusDir?: string } = {},
): Promise<CommandResult> {
  if (options.statusDir) killDaemonAfterTest(resolvePath(options.cwd ?? process.cwd(), options.statusDir));
  return runCommand(SUPERVISE_BIN, args, { cwd: options.cwd, env: options.env });
}

export function readStatus(dir: string): Status {
  return decodeStatus(readFileSync(join(dir, 'status')));
}

export function readStatusJson(dir: string): StatusJson {
  return JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as StatusJson;
}

/**
 * Resolves once `pid` ignores or catches `signal` (SigIgn or SigCgt in
 * /proc/PID/status). A fixture's `trap` runs a moment after its exec, which
 * is when supervise reports the start: a command sent before then meets the
 * default action.
 */
export function waitForSignalHandled(pid: number, signal: 'SIGTERM'): Promise<true> {
  const bit = 1n << BigInt(osConstants.signals[signal] - 1);
  const mask = (status: string, field: string) => BigInt(`0x${new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0'}`);
  return waitFor(
    () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return ((mask(status, 'SigIgn') | mask(status, 'SigCgt')) & bit) !== 0n || undefined;
    },
    { what: `pid ${pid} to ignore or catch ${signal}` },
  );
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it is dead for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Writes control bytes without ever blocking: a FIFO nobody reads is an error, not a hang. */
export function writeControl(dir: string, bytes: string | Buffer): void {
  const fd = openSync(join(dir, 'control'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  } finally {
    closeSync(fd);
  }
}

export function readLog(dir: string, file: 'supervise.log' | 'supervise.log.wf' = 'supervise.log'): string {
  const path = join(dir, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Counts log lines matching a pattern. */
export function countLogLines(dir: string, pattern: RegExp, file: 'supervise.log' | 'supervise.log.wf' = 'supervise.log'): number {
  return readLog(dir, file)
    .split('\n')
    .filter((line) => pattern.test(line)).length;
}

/** Waits until status names a running service other than `previousPid`, and returns its pid. */
export function waitForServicePid(dir: string, previousPid = 0, timeoutMs = 10_000): Promise<number> {
  return waitFor(
    () => {
      const pid = readStatus(dir).pid;
      return pid !== 0 && pid !== previousPid && isAlive(pid) ? pid : undefined;
    },
    { what: `a service pid other than ${previousPid} in ${dir}/status`, timeoutMs },
  );
}

/** The daemon's pid, as it recorded it in status.json. */
export function daemonPidOf(dir: string): number {
  return readStatusJson(dir).supervisePid;
}

const cleanupRegistered = new Set<string>();

/**
 * After the test, kills every process of the daemon's session (the daemon
 * leads it and the service stays in it, SPEC section 2), so nothing the test
 * started survives it: not a service that ignores TERM, nor a grandchild in a
 * process group of its own.
 */
export function killDaemonAfterTest(dir: string): void {
  if (cleanupRegistered.has(dir)) return;
  cleanupRegistered.add(dir);
  onTestFinished(() => {
    cleanupRegistered.delete(dir);
    let statusJson: StatusJson | null = null;
    try {
      statusJson = readStatusJson(dir);
    } catch {
      // No daemon ever wrote status.json here.
    }
    if (!statusJson) return;
    const daemon = statusJson.supervisePid;
    if (isAlive(daemon) && readFileSync(`/proc/${daemon}/cmdline`, 'utf8').includes('supervise')) {
      // The daemon leads its session: KILL reaches every process of it, a grandchild in a group of its own too.
      if (isSessionLeader(daemon)) signalSessionProcesses(daemon, 'SIGKILL', []);
      else process.kill(daemon, 'SIGKILL');
    }
    // status.json is written before the first start (SPEC section 11); status only once it was tried.
    const service = existsSync(join(dir, 'status')) ? readStatus(dir).pid : 0;
    if (service !== 0 && isAlive(service)) process.kill(service, 'SIGKILL');
  });
}

export interface SupervisedService {
  /** The status directory. */
  dir: string;
  daemonPid: number;
  servicePid: number;
}

/**
 * Starts `supervise -u DIR command...` in a fresh temporary status directory
 * (or `dir`) and returns once it has daemonized and the service runs.
 * With SUPERVISE_TEST_MODE=scan the service runs under supervise-scan
 * instead (scanned-supervised.ts).
 */
export async function startSupervised(
  command: readonly string[],
  options: { dir?: string; args?: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<SupervisedService> {
  if (SCAN_MODE) {
    // Imported here: scanned-supervised.ts imports this module.
    const { startScannedService } = await import('./scanned-supervised.js');
    return startScannedService(command, options);
  }
  const dir = options.dir ?? join(makeTempDir(), 'status', 'svc');
  killDaemonAfterTest(dir);
  const result = await runCommand(SUPERVISE_BIN, [...(options.args ?? []), '-u', dir, ...command], {
    cwd: options.cwd,
    env: options.env,
  });
  if (result.code !== 0) throw new Error(`supervise exited ${result.code}: ${result.stderr}`);
  const servicePid = readStatus(dir).pid;
  return { dir, daemonPid: daemonPidOf(dir), servicePid };
}

/** Waits for the daemon to be gone (the lock free and its pid dead). */
export function waitForDaemonExit(daemonPid: number, timeoutMs = 10_000): Promise<true> {
  return waitFor(() => !isAlive(daemonPid), { what: `supervise daemon ${daemonPid} to exit`, timeoutMs });
}

/**
 * Waits for the service's supervision to end: the daemon gone, or under
 * supervise-scan, which goes on supervising, the service's lock free.
 */
export function waitForSupervisionEnd(service: SupervisedService, timeoutMs = 10_000): Promise<true> {
  if (!SCAN_MODE) return waitForDaemonExit(service.daemonPid, timeoutMs);
  return waitFor(async () => (await runCommand('flock', ['-n', join(service.dir, 'lock'), 'true'])).code === 0, {
    what: `the supervision of ${service.dir} to end and free its lock`,
    timeoutMs,
  });
}
