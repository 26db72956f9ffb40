// Reads what Linux says about a process that is not our child: its argv, its
// start time, its session and state, from /proc. No decisions here.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { ObservedProcess } from '../core/orphan-service.js';

export interface ProcProcess extends ObservedProcess {
  /** starttime in clock ticks since boot: equal values mean the very same process. */
  startTicks: number;
}

// Fields of /proc/PID/stat counted after the ")" that ends the command name,
// which may itself hold spaces and parentheses: state is field 3 of proc(5).
const STAT_STATE = 0;
const STAT_SESSION = 3;
const STAT_STARTTIME = 19;

/** The process behind `pid`, or null when there is none (or it vanished while read). */
export function readProcProcess(pid: number): ProcProcess | null {
  let stat: string;
  let cmdline: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  const { state, sessionId, startTicks } = parseProcStat(stat);
  return {
    argv: cmdline === '' ? [] : cmdline.replace(/\0$/, '').split('\0'),
    startedAtMs: ticksToUnixMs(startTicks),
    sessionId,
    state,
    startTicks,
  };
}

/** The fields of one /proc/PID/stat line that supervise uses. */
export interface ProcStat {
  state: string;
  sessionId: number;
  startTicks: number;
}

export function parseProcStat(stat: string): ProcStat {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[STAT_STATE], sessionId: Number(fields[STAT_SESSION]), startTicks: Number(fields[STAT_STARTTIME]) };
}

// One line of /proc/PID/stat is at most a few hundred bytes; a sweep reads
// thousands of them, so one buffer is reused and no fstat is made per file.
const statBuffer = Buffer.allocUnsafe(4096);

/** /proc/PID/stat of `pid`, or null when it is gone. */
export function readProcStat(pid: number): ProcStat | null {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
  } catch {
    return null;
  }
  try {
    const length = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseProcStat(statBuffer.toString('latin1', 0, length));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Unix ms of a process start given in clock ticks since boot (about 1 s precision: btime is whole seconds). */
export function ticksToUnixMs(startTicks: number): number {
  return (readBootTimeSeconds() + startTicks / readClockTicks()) * 1000;
}

/** Whether `pid` still names the process first seen with `startTicks`, and it has not exited. */
export function isSameProcessRunning(pid: number, startTicks: number): boolean {
  const found = readProcProcess(pid);
  return found !== null && found.startTicks === startTicks && found.state !== 'Z';
}

function readBootTimeSeconds(): number {
  const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  if (!match) throw new Error('unable to read /proc/stat: no btime line');
  return Number(match[1]);
}

let clockTicks: number | undefined;

/** sysconf(_SC_CLK_TCK), which Node does not expose; 100 on every common Linux. */
function readClockTicks(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}
