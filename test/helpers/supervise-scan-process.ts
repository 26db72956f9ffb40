// Runs the built supervise-scan on a real SCANDIR and makes sure the scan and
// every service it started are gone when the test finishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { REPO_ROOT, isAlive, readStatus, readStatusJson } from './supervise-process.js';
import { isSessionLeader, signalSessionProcesses } from '../../src/io/session-processes.js';
import { waitFor } from './wait-for.js';

export const SUPERVISE_SCAN_BIN = join(REPO_ROOT, 'bin/supervise-scan');

export interface RunningScan {
  child: ChildProcess;
  pid: number;
  /** What the scan wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Writes an executable script (`#!/bin/sh` and `body`) at `path`, making its directory. */
export function writeScript(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Every status directory a scan may have made under SCANDIR: NAME/supervise and NAME/log/supervise. */
export function statusDirsUnder(scanDir: string): string[] {
  if (!existsSync(scanDir)) return [];
  const dirs: string[] = [];
  for (const name of readdirSync(scanDir)) {
    for (const dir of [join(scanDir, name, 'supervise'), join(scanDir, name, 'log', 'supervise')]) {
      if (existsSync(join(dir, 'status'))) dirs.push(dir);
    }
  }
  return dirs;
}

/** Starts `supervise-scan [args] SCANDIR` in a process group of its own; killed, with its services, after the test. */
export function startScan(
  scanDir: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  bin: string = SUPERVISE_SCAN_BIN,
): RunningScan {
  const child = spawn(bin, [...args, scanDir], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid as number;
  onTestFinished(() => {
    // The scan's children are its services, each leading a session of its own: stopped first, the scan
    // starts no more of them, and every one it has is known, whatever status it wrote last.
    const childSessions = new Set<number>();
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGSTOP');
        for (const child of childrenOf(pid)) childSessions.add(child);
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    for (const session of childSessions) signalSessionProcesses(session, 'SIGKILL', []);
    // Services in sessions of their own are not in the scan's group: each session is killed whole,
    // so what a service started (a backgrounded child) goes too.
    for (const dir of statusDirsUnder(scanDir)) {
      // status.json names the session, but a scan killed between writing status and status.json
      // left the one before the start (no session): the service pid, a session leader here, names it too.
      const sessions = new Set<number>();
      try {
        const session = readStatusJson(dir).session;
        if (session !== null && session > 1) sessions.add(session);
      } catch {
        // No status.json: no session recorded.
      }
      try {
        const service = readStatus(dir).pid;
        if (service !== 0 && isAlive(service)) {
          if (isSessionLeader(service)) sessions.add(service);
          process.kill(service, 'SIGKILL');
        }
      } catch {
        // Status unreadable: nothing recorded to kill.
      }
      for (const session of sessions) signalSessionProcesses(session, 'SIGKILL', []);
    }
  });
  return { child, pid, stderr: () => stderr, exited };
}

/** Waits until the scan's stderr matches. */
export function waitForScanLine(scan: RunningScan, expected: RegExp, timeoutMs = 10_000): Promise<string> {
  return waitFor(() => (expected.test(scan.stderr()) ? scan.stderr() : undefined), { what: `${expected} on supervise-scan's stderr`, timeoutMs });
}

/** The pids of `pid`'s children, from /proc (every thread's list). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') children.push(...text.split(' ').map(Number));
    }
  } catch {
    // Gone: its children were reparented and are found by their status instead.
  }
  return children;
}
