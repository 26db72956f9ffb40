// Reading other processes through /proc, and waiting with deadlines.
// Every wait here ends: with the awaited value, or with an error that says
// what was awaited and what was last seen.
import { readFileSync, readdirSync } from 'node:fs';

/** CLOCK_MONOTONIC in ns, the clock the fixture stamps with (libuv's hrtime). */
export const monoNow = () => process.hrtime.bigint();

export const nsToMs = (ns) => Number(ns) / 1e6;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread without spinning, for polls that must not yield to the event loop. */
export function sleepSync(ms) {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Fields of /proc/PID/stat after the command name; null when the process is gone. */
function statFields(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: cut at the last ')'.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Dead means gone or a zombie: a zombie has died and only waits to be reaped. */
export function isDead(pid) {
  const fields = statFields(pid);
  return fields === null || fields[0] === 'Z' || fields[0] === 'X';
}

export function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** utime + stime of the whole thread group, in clock ticks (USER_HZ). */
export function cpuTicks(pid) {
  const fields = statFields(pid);
  if (!fields) throw new Error(`unable to read /proc/${pid}/stat: process gone`);
  // Fields 14 and 15 of stat; fields[0] is field 3 (state).
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Voluntary + involuntary context switches summed over every thread: the
 * counters in /proc/PID/status are the main thread's only, and a Node daemon
 * also wakes in its libuv and V8 worker threads.
 */
export function contextSwitches(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    throw new Error(`unable to read /proc/${pid}/task: process gone`);
  }
  let total = 0;
  for (const tid of tasks) {
    let text;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/status`, 'latin1');
    } catch {
      continue; // the thread ended between readdir and read
    }
    for (const match of text.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(match[1]);
  }
  return total;
}

export function threadCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

function kibField(text, name, path) {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!match) throw new Error(`unable to read ${name} from ${path}`);
  return Number(match[1]);
}

/** VmRSS from status; Pss and Private_Dirty from smaps_rollup; all in KiB. */
export function memoryOf(pid) {
  const statusPath = `/proc/${pid}/status`;
  const rollupPath = `/proc/${pid}/smaps_rollup`;
  let status;
  let rollup;
  try {
    status = readFileSync(statusPath, 'latin1');
    rollup = readFileSync(rollupPath, 'latin1');
  } catch (error) {
    throw new Error(`unable to read memory of pid ${pid}: ${error.message}`);
  }
  return {
    rssKiB: kibField(status, 'VmRSS', statusPath),
    pssKiB: kibField(rollup, 'Pss', rollupPath),
    privateDirtyKiB: kibField(rollup, 'Private_Dirty', rollupPath),
  };
}

/**
 * Polls until PID is dead and returns the monotonic time it was first seen
 * dead. Synchronous on purpose: the event loop must not delay the
 * observation. It sleeps 50 us between reads rather than spinning, so it
 * leaves the CPU to the supervisor it is timing.
 */
export function waitDeadSync(pid, timeoutMs, what) {
  const deadline = monoNow() + BigInt(Math.round(timeoutMs * 1e6));
  for (;;) {
    if (isDead(pid)) return monoNow();
    if (monoNow() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (pid ${pid}) to die; last seen: alive`);
    }
    sleepSync(0.05);
  }
}

/**
 * Waits for probe() to return a value other than undefined/null/false.
 * On timeout the error names what was awaited and the last value or error seen.
 */
export async function waitFor(probe, { what, timeoutMs = 10_000, intervalMs = 5 }) {
  const deadline = Date.now() + timeoutMs;
  let lastSeen;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastSeen = JSON.stringify(value);
    } catch (error) {
      lastSeen = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${lastSeen}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Signals PID only while its command line still contains marker (a path
 * under this run's temp dir), so a recycled pid is never hit. True if sent.
 */
export function signalIfOurs(pid, signal, marker) {
  if (!pid || isDead(pid) || !cmdlineOf(pid).includes(marker)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
