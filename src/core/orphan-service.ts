// A supervise killed with SIGKILL leaves its service running (SPEC section 9).
// When supervise starts again on that directory, `status` still names the old
// service; starting a fresh copy next to it would run two. But a pid is only
// a number the kernel hands out again, so the process now behind it must be
// proven to be that service before it is stopped: its start time must match
// the status label, and its command line must be the command (or, for a
// service that exec'd into another program, its session must be the dead
// supervise's). Pure: the adapter reads /proc and the caller acts.

/** What the previous supervise recorded in `status` and `status.json`. */
export interface RecordedService {
  pid: number;
  /** Unix ms of the status label: the moment the service started. */
  startedAtMs: number;
  /** The previous supervise's pid (status.json), which is also its session id; null when unknown. */
  supervisePid: number | null;
}

/** What /proc says about the process now holding that pid. */
export interface ObservedProcess {
  argv: readonly string[];
  /** Unix ms of its start, from /proc/PID/stat starttime and /proc/stat btime (about 1 s precision). */
  startedAtMs: number;
  sessionId: number;
  /** One-letter state from /proc/PID/stat: Z is a zombie that no longer runs. */
  state: string;
}

/** The command this supervise is about to run. */
export interface ServiceCommand {
  argv: readonly string[];
  /** The executable resolved on PATH, as passed to execve. */
  executable: string;
}

export type RecordedServiceVerdict =
  | { kind: 'none' }
  | { kind: 'gone'; pid: number }
  | { kind: 'unrelated'; pid: number; reason: string }
  | { kind: 'orphan'; pid: number };

/** btime has one-second resolution and the label is taken just after fork. */
export const START_TIME_TOLERANCE_MS = 2000;

/** SPEC section 9 and the daemon's own SIGTERM: KILL after stop_timeout, or this when it is 0. */
export const DEFAULT_ORPHAN_KILL_DELAY_MS = 5000;

/** After KILL a process is gone at once unless stuck in the kernel; wait this long before giving up. */
export const ORPHAN_KILL_WAIT_MS = 5000;

export function judgeRecordedService(
  recorded: RecordedService | null,
  observed: ObservedProcess | null,
  command: ServiceCommand,
  ownPids: readonly number[],
): RecordedServiceVerdict {
  if (recorded === null || recorded.pid === 0) return { kind: 'none' };
  const { pid } = recorded;
  if (observed === null || observed.state === 'Z') return { kind: 'gone', pid };
  if (ownPids.includes(pid)) return { kind: 'unrelated', pid, reason: 'it is this supervise' };
  const drift = Math.abs(observed.startedAtMs - recorded.startedAtMs);
  if (drift > START_TIME_TOLERANCE_MS) {
    return { kind: 'unrelated', pid, reason: `it started ${(drift / 1000).toFixed(1)} s away from the time in status` };
  }
  const sameSession = recorded.supervisePid !== null && observed.sessionId === recorded.supervisePid;
  if (!matchesCommand(observed.argv, command) && !sameSession) {
    return { kind: 'unrelated', pid, reason: `it runs ${JSON.stringify(observed.argv)}, not the command` };
  }
  return { kind: 'orphan', pid };
}

/**
 * /proc/PID/cmdline is the argv given to execve: the command itself, or for a
 * `#!` script the interpreter and its optional argument, then the script's
 * path as execve saw it, then the command's arguments. Through an exec
 * wrapper (setpriv, prlimit: SPEC section 15) argv[0] is the resolved path.
 */
export function matchesCommand(cmdline: readonly string[], command: ServiceCommand): boolean {
  if (sameWords(cmdline, command.argv)) return true;
  const scriptForm = [command.executable, ...command.argv.slice(1)];
  const extra = cmdline.length - scriptForm.length;
  return extra >= 0 && extra <= 2 && sameWords(cmdline.slice(extra), scriptForm);
}

/** How long after TERM the orphan gets KILL. */
export function orphanKillDelayMs(stopTimeoutSeconds: number): number {
  return stopTimeoutSeconds > 0 ? stopTimeoutSeconds * 1000 : DEFAULT_ORPHAN_KILL_DELAY_MS;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

/** A process of the dead supervise's session, as /proc shows it. */
export interface SessionMember {
  pid: number;
  startTicks: number;
  /** Unix ms of its start, from the same /proc clock as the supervise's recorded start. */
  startedAtMs: number;
}

/** Date keeps whole milliseconds and /proc counts 10 ms ticks; a hair of slack for the rounding. */
const SESSION_START_SLACK_MS = 5;

/** What status.json said of the dead supervise and its service's session. */
export interface RecordedSession {
  supervisePid: number;
  superviseStartedAtMs: number;
  /** The session of the service's processes: the supervise's own when it was daemonized, else the service's. */
  session: number;
}

/**
 * Which members of the recorded session are the dead supervise's service's
 * leftovers (SPEC section 11): only those started after that supervise. A
 * session id is a pid, and pids are handed out again. While a session has
 * members its id is not, so a live leader means a session made anew: the
 * supervise's own pid now names another process (we hold the lock, so the
 * supervise is dead), or the leader started before the supervise did.
 */
export function selectLeftovers(
  members: readonly SessionMember[],
  recorded: RecordedSession,
  leader: SessionMember | null,
  ownPids: readonly number[],
): SessionMember[] {
  const startedAt = recorded.superviseStartedAtMs - SESSION_START_SLACK_MS;
  if (leader !== null && (recorded.session === recorded.supervisePid || leader.startedAtMs < startedAt)) return [];
  return members.filter((member) => !ownPids.includes(member.pid) && member.startedAtMs >= startedAt);
}
