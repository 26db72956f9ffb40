// Reads what Linux says about a process that is not our child: its argv, its
// start time, its session and state, from /proc. No decisions here.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
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
  const stat = readProcStat(pid);
  if (stat === null) return null;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
  const { state, sessionId, startTicks } = stat;
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

const SPACE = 0x20;
const CLOSING_PARENTHESIS = 0x29;
const DIGIT_ZERO = 0x30;

/**
 * Reads the fields supervise uses straight from the bytes, making no
 * strings: a sweep reads every process's line at each exit, and splitting
 * each into fifty strings made a restart's garbage, which the daemon's heap
 * grew to hold. Null when the line is cut short.
 */
export function parseProcStat(bytes: Uint8Array, length: number = bytes.length): ProcStat | null {
  let at = bytes.lastIndexOf(CLOSING_PARENTHESIS, length - 1) + 2;
  if (at < 2 || at >= length) return null;
  const state = String.fromCharCode(bytes[at]);
  let sessionId = -1;
  let field = STAT_STATE;
  for (; at < length && field < STAT_STARTTIME; at++) {
    if (bytes[at] !== SPACE) continue;
    field++;
    if (field === STAT_SESSION) sessionId = readDecimal(bytes, at + 1, length);
  }
  if (field !== STAT_STARTTIME) return null;
  return { state, sessionId, startTicks: readDecimal(bytes, at, length) };
}

/** The unsigned decimal number at `at`, up to the next non-digit. */
function readDecimal(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < length; i++) {
    const digit = bytes[i] - DIGIT_ZERO;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
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
    return parseProcStat(statBuffer, readSync(fd, statBuffer, 0, statBuffer.length, 0));
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

/** The auxiliary vector entry the kernel passes every process its clock tick rate in (elf.h). */
const AT_CLKTCK = 17n;

/**
 * sysconf(_SC_CLK_TCK), which Node does not expose: read where libc reads it,
 * the AT_CLKTCK entry of /proc/self/auxv, rather than by running getconf, a
 * fork and exec at every daemon start. 100 on every common Linux, and the
 * fallback (a 32-bit Node keeps it).
 */
function readClockTicks(): number {
  if (clockTicks === undefined) {
    clockTicks = 100;
    if (!process.arch.includes('64')) return clockTicks;
    try {
      clockTicks = clockTicksFromAuxv(readFileSync('/proc/self/auxv'), endianness()) ?? 100;
    } catch {
      // keep 100
    }
  }
  return clockTicks;
}

/** The AT_CLKTCK value of an auxiliary vector of 64-bit (type, value) pairs, or null when it has none. */
export function clockTicksFromAuxv(auxv: Buffer, byteOrder: 'LE' | 'BE'): number | null {
  const read = (offset: number) => (byteOrder === 'LE' ? auxv.readBigUInt64LE(offset) : auxv.readBigUInt64BE(offset));
  for (let offset = 0; offset + 16 <= auxv.length; offset += 16) {
    if (read(offset) === AT_CLKTCK) return Number(read(offset + 8)) || null;
  }
  return null;
}
