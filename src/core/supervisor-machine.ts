// The supervisor as a pure state machine, in the manner of s6-supervise: each
// event (control byte, exit, timer, signal to supervise) is a small named
// function from state to state plus effects; only src/supervisor.ts carries
// the effects out. Time is always an argument.
import { LETTER_BY_COMMAND } from '../codec/control-codec.js';
import { decideOnExit, type AlarmLimits, type AlarmWindow } from './alarm-policy.js';
import { nextHookCount } from './alarm-policy.js';
import { judgeExit } from './expected-exit.js';
import { nextStartAt } from './restart-pacing.js';
import { EXIT_GAVE_UP } from './supervise-error.js';
import {
  CORE_DUMP_SIGNALS,
  describeExit,
  type ControlCommand,
  type ControlRun,
  type ServiceExit,
  type ServiceSignal,
  type Want,
} from './types.js';

export interface MachineConfig {
  readonly limits: AlarmLimits;
  /** Seconds after TERM before KILL; 0 never sends KILL. */
  readonly stopTimeoutSeconds: number;
  /** With -r the alarm policy is replaced by the restart hook (SPEC section 6). */
  readonly restartHook: boolean;
  readonly hookResetSeconds: number;
}

export interface RunningService {
  readonly pid: number;
  readonly startedAt: number;
}

export interface SupervisorState {
  readonly name: string;
  readonly config: MachineConfig;
  readonly want: Want;
  readonly paused: boolean;
  readonly alarmsOn: boolean;
  readonly exitRequested: boolean;
  readonly service: RunningService | null;
  /** A start was issued and its outcome has not been reported yet. */
  readonly starting: boolean;
  /** A paced start is armed. */
  readonly startPending: boolean;
  readonly lastStartAt: number | null;
  /** Unix ms of the last pid change, for the status label. */
  readonly since: number;
  readonly starts: number;
  /**
   * Unix ms of the last signal supervise sent the running service to end it
   * (d t i k, or its own TERM); null when none. Whether its exit is then
   * expected is judged at the exit (see expected-exit.ts).
   */
  readonly endSignalledAt: number | null;
  readonly stopTimerArmed: boolean;
  readonly hookRunning: boolean;
  readonly hookCounter: { count: number; lastExitAt: number } | null;
  readonly window: AlarmWindow | null;
  readonly lastExit: ServiceExit | null;
  readonly finished: boolean;
}

export type SupervisorEvent =
  | { kind: 'boot'; at: number }
  | ControlEvent
  | { kind: 'started'; pid: number; at: number }
  | { kind: 'start-failed'; reason: string; at: number }
  | { kind: 'exited'; pid: number; code: number | null; signal: string | null; at: number }
  | { kind: 'start-due'; at: number }
  | { kind: 'stop-timeout'; at: number }
  | { kind: 'terminate'; signal: string; at: number }
  | { kind: 'hook-done'; at: number }
  | { kind: 'config'; config: MachineConfig };

export type Effect =
  | { kind: 'start' }
  | { kind: 'signal'; pid: number; signal: ServiceSignal }
  | { kind: 'arm-start'; at: number }
  | { kind: 'cancel-start' }
  | { kind: 'arm-stop-timeout'; at: number }
  | { kind: 'cancel-stop-timeout' }
  | { kind: 'write-status' }
  | { kind: 'log'; level: 'notice' | 'warning' | 'fatal'; message: string }
  | { kind: 'alarm'; alarm: 'exit' | 'gave-up'; exit: ServiceExit; window: AlarmWindow; next: string }
  | { kind: 'reload-config' }
  /** The rest of a read, applied once the effects before it (a start, a reload) are done. */
  | { kind: 'resume-control'; event: ControlEvent }
  | { kind: 'run-hook'; count: number }
  | { kind: 'exit'; code: number };

/**
 * One read of the control FIFO: its runs of commands in the order written
 * (SPEC section 4), applied in one step with bounded logging and one status
 * write, however many commands the read holds.
 */
export interface ControlEvent {
  readonly kind: 'control';
  readonly runs: readonly ControlRun[];
  readonly at: number;
  /** Set on the rest of a read that was split: it was logged in one line already. */
  readonly logged?: boolean;
  /** Set on the rest of a read whose `r` was carried out already. */
  readonly reloaded?: boolean;
}

export interface Step {
  readonly state: SupervisorState;
  readonly effects: readonly Effect[];
}

export function initialState(name: string, config: MachineConfig, now: number): SupervisorState {
  return {
    name,
    config,
    want: 'up',
    paused: false,
    alarmsOn: true,
    exitRequested: false,
    service: null,
    starting: false,
    startPending: false,
    lastStartAt: null,
    since: now,
    starts: 0,
    endSignalledAt: null,
    stopTimerArmed: false,
    hookRunning: false,
    hookCounter: null,
    window: null,
    lastExit: null,
    finished: false,
  };
}

export function transition(state: SupervisorState, event: SupervisorEvent): Step {
  if (state.finished) return { state, effects: [] };
  switch (event.kind) {
    case 'boot':
      return requestStart(state, event.at);
    case 'control':
      return applyControlRead(state, event);
    case 'started':
      return onStarted(state, event.pid, event.at);
    case 'start-failed':
      return onStartFailed(state, event.reason, event.at);
    case 'exited':
      return onExited(state, event);
    case 'start-due':
      return onStartDue(state, event.at);
    case 'stop-timeout':
      return onStopTimeout(state);
    case 'terminate':
      return then(
        { state, effects: [log('notice', `supervise ${state.name} received ${event.signal}, stopping`)] },
        (s) => then(stopWanted(s, event.at), (t) => requestExit(t)),
      );
    case 'hook-done':
      return continueAfterExit({ ...state, hookRunning: false }, event.at);
    case 'config':
      // status.json shows the limits in force.
      return { state: { ...state, config: event.config }, effects: [WRITE_STATUS] };
  }
}

const CONTROL_ACTIONS: Record<ControlCommand, (state: SupervisorState, at: number) => Step> = {
  up: (s, at) => then(withStatus({ ...s, want: 'up' }), (t) => requestStart(t, at)),
  down: (s, at) => stopWanted(s, at),
  once: (s, at) => then(withStatus({ ...s, want: 'once' }), (t) => requestStart(t, at)),
  exit: (s) => requestExit(s),
  pause: (s) => (s.service ? { state: { ...s, paused: true }, effects: [signal(s.service, 'SIGSTOP'), WRITE_STATUS] } : none(s)),
  cont: (s) => (s.service ? { state: { ...s, paused: false }, effects: [signal(s.service, 'SIGCONT'), WRITE_STATUS] } : none(s)),
  hup: (s) => signalIfRunning(s, 'SIGHUP', null),
  alarm: (s) => signalIfRunning(s, 'SIGALRM', null),
  int: (s, at) => signalIfRunning(s, 'SIGINT', at),
  term: (s, at) => signalIfRunning(s, 'SIGTERM', at),
  kill: (s, at) => signalIfRunning(s, 'SIGKILL', at),
  silence: (s) => withStatus({ ...s, alarmsOn: false }),
  unsilence: (s) => withStatus({ ...s, alarmsOn: true }),
  reload: (s) => ({ state: s, effects: [{ kind: 'reload-config' }] }),
};

const WRITE_STATUS: Effect = { kind: 'write-status' };

/** A read of more runs than this is logged as one line counting each command. */
export const MAX_RUNS_LOGGED_EACH = 8;

/**
 * A flood of commands (10,000 `h`, or 64 KiB of `sn` alternating) must not
 * bury a `d` that follows it under thousands of log lines and status writes:
 * each command still acts (one signal each, in order), but the read is logged
 * in a bounded number of lines, its status written once from the final state,
 * and its `r` carried out once.
 *
 * A start or a reload splits the read: the commands after it are handed back
 * in a `resume-control` effect, so they see the new pid or config as they did
 * when each command was a step of its own (`ud` signals the service `u`
 * started). Starts are paced, so a read splits only a few times.
 */
function applyControlRead(state: SupervisorState, event: ControlEvent): Step {
  const { runs, at } = event;
  const effects: Effect[] = event.logged ? [] : logControlRead(runs);
  let current = state;
  let reloaded = event.reloaded ?? false;
  // One status write, where the last command that changed status asked for it.
  let statusAt: number | null = null;
  const take = (step: Step): boolean => {
    current = step.state;
    let splits = false;
    for (const effect of step.effects) {
      if (effect.kind === 'write-status') {
        statusAt = effects.length;
        continue;
      }
      if (effect.kind === 'start' || effect.kind === 'reload-config') splits = true;
      effects.push(effect);
    }
    return splits;
  };
  for (let index = 0; index < runs.length && !current.finished; index += 1) {
    const { command, count } = runs[index];
    if (command === 'reload') {
      // The file is read once, however many `r` the read holds.
      if (reloaded) continue;
      reloaded = true;
    }
    let split = false;
    let round = 0;
    while (round < count && !current.finished && !split) {
      split = take(CONTROL_ACTIONS[command](current, at));
      round += 1;
    }
    if (split) {
      const rest = [...(round < count ? [{ command, count: count - round }] : []), ...runs.slice(index + 1)];
      if (rest.length > 0) effects.push(resume({ ...event, runs: rest, logged: true, reloaded }));
      break;
    }
  }
  if (statusAt !== null) effects.splice(statusAt, 0, WRITE_STATUS);
  return { state: current, effects };
}

function resume(event: ControlEvent): Effect {
  return { kind: 'resume-control', event };
}

/** The whole read is logged as it is read: a line per run when there are few, else one line. */
function logControlRead(runs: readonly ControlRun[]): Effect[] {
  if (runs.length > MAX_RUNS_LOGGED_EACH) return [log('notice', describeControlRead(runs))];
  return runs.map((run) => log('notice', describeRun(run)));
}

function describeRun(run: ControlRun): string {
  const times = run.count > 1 ? `, ${run.count} times` : '';
  return `control command ${LETTER_BY_COMMAND[run.command]} (${run.command})${times}`;
}

/** `control commands: 65536 in one read: s (silence) x32768, n (unsilence) x32768`, letters in order of first use. */
function describeControlRead(runs: readonly ControlRun[]): string {
  const counts = new Map<ControlCommand, number>();
  let total = 0;
  for (const run of runs) {
    counts.set(run.command, (counts.get(run.command) ?? 0) + run.count);
    total += run.count;
  }
  const parts = [...counts].map(([command, count]) => `${LETTER_BY_COMMAND[command]} (${command}) x${count}`);
  return `control commands: ${total} in one read: ${parts.join(', ')}`;
}

function none(state: SupervisorState): Step {
  return { state, effects: [] };
}

function withStatus(state: SupervisorState): Step {
  return { state, effects: [WRITE_STATUS] };
}

function then(step: Step, next: (state: SupervisorState) => Step): Step {
  const following = next(step.state);
  return { state: following.state, effects: [...step.effects, ...following.effects] };
}

function log(level: 'notice' | 'warning' | 'fatal', message: string): Effect {
  return { kind: 'log', level, message };
}

function signal(service: RunningService, name: ServiceSignal): Effect {
  return { kind: 'signal', pid: service.pid, signal: name };
}

/** `endsServiceAt`: the time of a signal meant to end the service, null for one that is not. */
function signalIfRunning(state: SupervisorState, name: ServiceSignal, endsServiceAt: number | null): Step {
  if (!state.service) return none(state);
  return {
    state: endsServiceAt !== null ? { ...state, endSignalledAt: endsServiceAt } : state,
    effects: [signal(state.service, name)],
  };
}

/** `d`: want down, no restart; TERM then CONT so a paused service sees the TERM. */
function stopWanted(state: SupervisorState, at: number): Step {
  const effects: Effect[] = [];
  let next: SupervisorState = { ...state, want: 'down' };
  if (next.startPending) {
    next = { ...next, startPending: false };
    effects.push({ kind: 'cancel-start' });
  }
  if (next.service) {
    effects.push(signal(next.service, 'SIGTERM'), signal(next.service, 'SIGCONT'));
    next = { ...next, endSignalledAt: at, paused: false };
    if (next.config.stopTimeoutSeconds > 0 && !next.stopTimerArmed) {
      effects.push({ kind: 'arm-stop-timeout', at: at + next.config.stopTimeoutSeconds * 1000 });
      next = { ...next, stopTimerArmed: true };
    }
  }
  effects.push(WRITE_STATUS);
  return { state: next, effects };
}

/** `x`: exit as soon as the service is down, without stopping it. */
function requestExit(state: SupervisorState): Step {
  const next = { ...state, exitRequested: true };
  if (next.service || next.starting || next.hookRunning) return none(next);
  const effects: Effect[] = next.startPending ? [{ kind: 'cancel-start' }] : [];
  return then({ state: { ...next, startPending: false }, effects }, finish);
}

function finish(state: SupervisorState): Step {
  return {
    state: { ...state, finished: true },
    effects: [log('notice', `supervise ${state.name} exiting`), WRITE_STATUS, { kind: 'exit', code: 0 }],
  };
}

/** Starts now, or arms a start one second after the previous one (SPEC section 5). */
function requestStart(state: SupervisorState, at: number): Step {
  if (state.service || state.starting || state.startPending || state.hookRunning || state.exitRequested) return none(state);
  const startAt = nextStartAt(state.lastStartAt, at);
  if (startAt <= at) return { state: { ...state, starting: true }, effects: [{ kind: 'start' }] };
  return { state: { ...state, startPending: true }, effects: [{ kind: 'arm-start', at: startAt }] };
}

function onStartDue(state: SupervisorState, at: number): Step {
  const next = { ...state, startPending: false };
  if (next.want === 'down') return none(next);
  return requestStart(next, at);
}

function onStarted(state: SupervisorState, pid: number, at: number): Step {
  return {
    state: {
      ...state,
      service: { pid, startedAt: at },
      starting: false,
      lastStartAt: at,
      since: at,
      starts: state.starts + 1,
      endSignalledAt: null,
      paused: false,
    },
    effects: [log('notice', `service ${state.name} started, pid ${pid}`), WRITE_STATUS],
  };
}

function onStartFailed(state: SupervisorState, reason: string, at: number): Step {
  // An exec that fails is an exit like any other: paced, counted and alarmed.
  const exit: ServiceExit = { pid: 0, code: 127, signal: null, coreDumped: false, at, uptimeMs: 0, expected: false };
  const failed = { ...state, starting: false, lastStartAt: at, lastExit: exit };
  return then(
    { state: failed, effects: [log('warning', `unable to start service ${state.name}: ${reason}`)] },
    (s) => afterExit(s, exit, at),
  );
}

function onExited(state: SupervisorState, event: Extract<SupervisorEvent, { kind: 'exited' }>): Step {
  const service = state.service;
  if (!service || service.pid !== event.pid) return none(state);
  const coreDumped = event.signal !== null && CORE_DUMP_SIGNALS.has(event.signal);
  const verdict = judgeExit(
    { signalledAt: state.endSignalledAt, wantDown: state.want === 'down', stopTimeoutSeconds: state.config.stopTimeoutSeconds },
    { coreDumped, at: event.at },
  );
  const exit: ServiceExit = {
    pid: event.pid,
    code: event.code,
    signal: event.signal,
    coreDumped,
    at: event.at,
    uptimeMs: Math.max(0, event.at - service.startedAt),
    expected: verdict.expected,
  };
  const next: SupervisorState = {
    ...state,
    service: null,
    since: event.at,
    paused: false,
    endSignalledAt: null,
    stopTimerArmed: false,
    lastExit: exit,
  };
  const effects: Effect[] = state.stopTimerArmed ? [{ kind: 'cancel-stop-timeout' }] : [];
  const uptime = (exit.uptimeMs / 1000).toFixed(exit.uptimeMs < 10_000 ? 1 : 0);
  const expectation = verdict.expected ? ', expected' : verdict.why !== null ? `, not expected: ${verdict.why}` : '';
  effects.push(log('notice', `service ${state.name} ${describeExit(exit)}, pid ${exit.pid}, ran ${uptime} s${expectation}`));
  return startFirst(then({ state: next, effects }, (s) => afterExit(s, exit, event.at)));
}

/**
 * A restart that is due now goes before the exit's log line, status write and
 * alarm, as daemontools forks before it writes status: the service is back
 * sooner, and the shell still logs in event order because the `started`
 * event it raises is handled after these effects.
 */
function startFirst(step: Step): Step {
  const starts = step.effects.filter((effect) => effect.kind === 'start');
  if (starts.length === 0) return step;
  return { state: step.state, effects: [...starts, ...step.effects.filter((effect) => effect.kind !== 'start')] };
}

function afterExit(state: SupervisorState, exit: ServiceExit, at: number): Step {
  if (state.config.restartHook) {
    const hookCounter = nextHookCount(state.hookCounter, at, state.config.hookResetSeconds);
    return {
      state: { ...state, hookCounter, hookRunning: true },
      effects: [WRITE_STATUS, { kind: 'run-hook', count: hookCounter.count }],
    };
  }
  const decision = decideOnExit(state.window, exit, state.config.limits, !state.alarmsOn, at);
  const next = { ...state, window: decision.window };
  if (decision.giveUp) {
    const window = decision.window ?? { openedAt: at, exits: decision.giveUp.exits, coreDumps: decision.giveUp.coreDumps };
    const effects: Effect[] = [log('fatal', `service ${state.name} ${decision.giveUp.reason}, supervise gave up`)];
    if (decision.sendAlarm) effects.push({ kind: 'alarm', alarm: 'gave-up', exit, window, next: 'supervise gave up and exited' });
    effects.push(WRITE_STATUS, { kind: 'exit', code: EXIT_GAVE_UP });
    return { state: { ...next, want: 'down', finished: true }, effects };
  }
  const effects: Effect[] = [WRITE_STATUS];
  if (decision.sendAlarm && decision.window) {
    effects.push({ kind: 'alarm', alarm: 'exit', exit, window: decision.window, next: describeNext(next, at) });
  }
  return then({ state: next, effects }, (s) => continueAfterExit(s, at));
}

function continueAfterExit(state: SupervisorState, at: number): Step {
  if (state.exitRequested) return finish(state);
  if (state.want === 'up') return requestStart(state, at);
  return none(state);
}

function describeNext(state: SupervisorState, at: number): string {
  if (state.exitRequested) return 'supervise exits';
  if (state.want !== 'up') return 'the service stays down (want down)';
  const delayMs = nextStartAt(state.lastStartAt, at) - at;
  return delayMs > 0 ? `restarting in ${(delayMs / 1000).toFixed(1)} s` : 'restarting now';
}

function onStopTimeout(state: SupervisorState): Step {
  const next = { ...state, stopTimerArmed: false };
  if (!next.service) return none(next);
  return {
    state: next,
    effects: [
      log('warning', `service ${state.name} still running ${state.config.stopTimeoutSeconds} s after TERM, sending KILL`),
      signal(next.service, 'SIGKILL'),
    ],
  };
}
