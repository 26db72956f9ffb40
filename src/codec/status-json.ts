// status.json (SPEC section 3, beyond): the state for programs, written like
// `status` (.new then rename) at the same moments. supervisectl reads it.
import { currentWindow } from '../core/alarm-policy.js';
import type { ExitCounts } from '../core/exit-counts.js';
import { limitsOf, type SupervisorState } from '../core/supervisor-machine.js';
import type { Want } from '../core/types.js';
import type { KillMode } from '../config/module-config.js';

export const STATUS_JSON_FILE = 'status.json';

export interface StatusJsonExit {
  code: number | null;
  signal: string | null;
  coreDumped: boolean;
  /** ISO time of the exit. */
  at: string;
  uptimeSeconds: number;
  expected: boolean;
}

export interface StatusJson {
  module: string;
  /** Absolute path of the status directory. */
  statusDir: string;
  supervisePid: number;
  /** Service pid, 0 while down. */
  pid: number;
  state: 'up' | 'down';
  /** ISO time of the last pid change. */
  since: string;
  want: Want;
  paused: boolean;
  alarms: 'on' | 'off';
  command: string[];
  /** Service starts since supervise started. */
  starts: number;
  lastExit: StatusJsonExit | null;
  alarmWindow: { openedAt: string; exits: number; coreDumps: number } | null;
  limits: { alarmInterval: number; maxTries: number; maxTriesIfCoredumped: number; stopTimeout: number };
  /** Exits since supervise started, by expected and core dump (disjoint counts; SPEC section 14's exits_total). */
  exits: ExitCounts;
  // SPEC section 15: readiness and the restart delay.
  /** Up and ready: without ready_fd, up is ready; with it, once the service wrote its newline. */
  ready: boolean;
  /** ISO time the running service became ready; null while not ready or down. */
  readySince: string | null;
  /** ready_timeout passed before the running service said it was ready (`--wait` then fails). */
  readyTimedOut: boolean;
  /** ISO time of the next start while one is delayed (restart_delay); null otherwise. */
  nextStartAt: string | null;
  /** ISO time supervise started, from /proc: a process of its session that started earlier is not its service's (SPEC section 11). */
  superviseStartedAt: string;
  /** The session of the service's processes: supervisePid when supervise leads a session, else the last started service's pid; null before a start. */
  session: number | null;
  /** kill_mode in force (SPEC section 11): under `process` what the service started is not its to wait for. */
  killMode: KillMode;
  /** The pids of the service's processes now; added by `supervisectl status --json`, not in the file. */
  processes?: number[];
}

/** Facts of the supervise process that the machine's state does not hold. */
export interface StatusJsonFacts {
  statusDir: string;
  supervisePid: number;
  command: readonly string[];
  /** Unix ms supervise started at. */
  superviseStartedAt: number;
}

/** status.json text for the machine's state at `now`. */
export function encodeStatusJson(state: SupervisorState, facts: StatusJsonFacts, now: number): string {
  return `${JSON.stringify(statusJsonOf(state, facts, now), null, 2)}\n`;
}

/** The status.json object for the machine's state at `now` (the alarm window shown is the one still open). */
export function statusJsonOf(state: SupervisorState, facts: StatusJsonFacts, now: number): StatusJson {
  const exit = state.lastExit;
  const settings = state.config.settings;
  const window = currentWindow(state.window, limitsOf(state.config), now);
  const json: StatusJson = {
    module: state.name,
    statusDir: facts.statusDir,
    supervisePid: facts.supervisePid,
    pid: state.service?.pid ?? 0,
    state: state.service ? 'up' : 'down',
    since: new Date(state.since).toISOString(),
    want: state.want,
    paused: state.paused && state.service !== null,
    alarms: state.alarmsOn ? 'on' : 'off',
    command: [...facts.command],
    starts: state.starts,
    lastExit: exit && {
      code: exit.code,
      signal: exit.signal,
      coreDumped: exit.coreDumped,
      at: new Date(exit.at).toISOString(),
      uptimeSeconds: Math.round(exit.uptimeMs / 100) / 10,
      expected: exit.expected,
    },
    alarmWindow: window && { openedAt: new Date(window.openedAt).toISOString(), exits: window.exits, coreDumps: window.coreDumps },
    limits: {
      alarmInterval: settings.alarmInterval,
      maxTries: settings.maxTries,
      maxTriesIfCoredumped: settings.maxTriesIfCoredumped,
      stopTimeout: settings.stopTimeout,
    },
    exits: { ...state.exitCounts },
    ...encodeLife(state),
    superviseStartedAt: new Date(facts.superviseStartedAt).toISOString(),
    session: state.session,
    killMode: settings.killMode,
  };
  return json;
}

function encodeLife(state: SupervisorState): Pick<StatusJson, 'ready' | 'readySince' | 'readyTimedOut' | 'nextStartAt'> {
  const readySince = state.service !== null && state.readySince !== null ? new Date(state.readySince).toISOString() : null;
  return {
    ready: readySince !== null,
    readySince,
    readyTimedOut: state.service !== null && state.readyTimedOut,
    nextStartAt: state.phase === 'waiting' && state.startDueAt !== null ? new Date(state.startDueAt).toISOString() : null,
  };
}
