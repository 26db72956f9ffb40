// The service's processes (SPEC section 11): every process of its session but
// supervise itself. Linux has no list of a session's members, so this reads
// /proc/*/stat; it runs only at an exit, while a sweep is under way, or when
// asked (supervisectl), never while the service just runs.
import { readdirSync } from 'node:fs';
import type { ServiceSignal } from '../core/types.js';
import { readProcStat } from './proc-process.js';

export interface SessionProcess {
  readonly pid: number;
  /** starttime in clock ticks since boot: with the pid, names one process for good. */
  readonly startTicks: number;
}

/**
 * Live members of `session`, in pid order, without the pids in `exclude`
 * (supervise itself). Zombies are left out: they hold nothing but a pid and
 * only their parent (often init) can make them go away.
 */
export function listSessionProcesses(session: number, exclude: readonly number[] = [process.pid]): SessionProcess[] {
  const found: SessionProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    // Only the numeric entries are processes; checked on the first character, as /proc names nothing else that way.
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(entry);
    if (exclude.includes(pid)) continue;
    const stat = readProcStat(pid);
    if (stat === null || stat.sessionId !== session || stat.state === 'Z' || stat.state === 'X') continue;
    found.push({ pid, startTicks: stat.startTicks });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/**
 * Sends `signal` to every live member of `session` but supervise; returns the
 * pids signalled. Each pid is checked against its start time right before the
 * kill, so a pid the kernel handed out again since the scan is left alone.
 */
export function signalSessionProcesses(session: number, signal: ServiceSignal, exclude: readonly number[] = [process.pid]): number[] {
  const signalled: number[] = [];
  for (const member of listSessionProcesses(session, exclude)) {
    if (signalProcess(member, signal)) signalled.push(member.pid);
  }
  return signalled;
}

/** Signals one process if it is still the one seen; false when it is gone. */
export function signalProcess(member: SessionProcess, signal: ServiceSignal): boolean {
  const now = readProcStat(member.pid);
  if (now === null || now.startTicks !== member.startTicks) return false;
  try {
    process.kill(member.pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The session the service runs in: supervise's own when it leads one (daemonized), else the service's new one. */
export function isSessionLeader(pid: number = process.pid): boolean {
  return readProcStat(pid)?.sessionId === pid;
}
