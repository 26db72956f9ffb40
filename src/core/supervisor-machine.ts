// The supervisor as a pure state machine of named phases, in the manner of
// s6-supervise's actions[state][event]: the phase picks the row, the event
// the cell, and each cell is a small named function from state to state plus
// the effects to carry out, in the order they must run. Only src/supervisor.ts
// carries effects out. Time is always an argument.
import { decideOnExit, nextHookCount, type AlarmLimits, type AlarmWindow } from './alarm-policy.js';
import { countExit, NO_EXITS, type ExitCounts } from './exit-counts.js';
import { judgeExit, type ExitVerdict } from './expected-exit.js';
import { ORPHAN_KILL_WAIT_MS, orphanKillDelayMs } from './orphan-service.js';
import { nextStartAt, operatorStartIntervalMs, restartIntervalAfterExit } from './restart-pacing.js';
import { EXIT_COMMAND, EXIT_GAVE_UP, EXIT_LOCK } from './exit-codes.js';
import {
  CORE_DUMP_SIGNALS,
  describeExit,
  type ControlCommand,
  type ControlRun,
  type ServiceExit,
  type ServiceSignal,
  type Want,
} from './types.js';
import type { ModuleConfig } from '../config/module-config.js';

/**
 * - `down`: nothing runs and nothing is armed (want down, or a fresh supervisor before `boot`);
 * - `reclaiming`: a service left by a killed supervise is being stopped before the first start;
 * - `starting`: a start was issued and its outcome is not known yet;
 * - `up`: the service runs;
 * - `stopping`: the service runs and was sent TERM to stop it (`d`, supervise's own TERM);
 * - `waiting`: a paced start is armed (SPEC section 5: one start a second);
 * - `hook`: the restart hook runs (SPEC section 6);
 * - `sweeping`: the service pid exited and what it left in its session is being stopped before anything else (SPEC section 11);
 * - `finished`: supervise exits; nothing more happens.
 */
export type Phase = 'down' | 'reclaiming' | 'starting' | 'up' | 'stopping' | 'waiting' | 'hook' | 'finished' | 'sweeping';

export const PHASES: readonly Phase[] = ['down', 'reclaiming', 'starting', 'up', 'stopping', 'waiting', 'hook', 'finished', 'sweeping'];

export interface MachineConfig {
  /** supervise.conf as merged for this module: limits, stop_timeout, alarm targets. */
  readonly settings: ModuleConfig;
  /** With -r the alarm policy is replaced by the restart hook (SPEC section 6). */
  readonly restartHook: boolean;
  readonly hookResetSeconds: number;
}

export function limitsOf(config: MachineConfig): AlarmLimits {
  const { alarmInterval, maxTries, maxTriesIfCoredumped } = config.settings;
  return { alarmInterval, maxTries, maxTriesIfCoredumped };
}

export interface RunningService {
  readonly pid: number;
  readonly startedAt: number;
}

/** The exit code a failed exec is recorded with, as sh reports a command it cannot run. */
export const EXEC_FAILED_CODE = 127;

/** What the previous supervise left running, as the adapter judged it from `status` and /proc (orphan-service.ts). */
export type PreviousService =
  | { kind: 'none' }
  | { kind: 'gone'; pid: number }
  | { kind: 'unrelated'; pid: number; reason: string }
  | { kind: 'orphan'; pid: number; argv: readonly string[]; startTicks: number };

/** One process for good: a pid and the start time (/proc starttime ticks) it had when seen. */
export interface ProcessRef {
  readonly pid: number;
  readonly startTicks: number;
}

/** What is being stopped in the `reclaiming` phase: the orphan and every process of the dead supervise's session. */
export interface OrphanStop {
  readonly processes: readonly ProcessRef[];
  readonly termAt: number;
  readonly killAt: number | null;
}

/** The sweep of the `sweeping` phase: the exit it follows, and when TERM and KILL went out. */
export interface SweepState {
  readonly exit: ServiceExit;
  readonly session: number;
  readonly termAt: number;
  readonly killAt: number | null;
}

/** A service that exits 0 sooner than this most likely forked itself into the background (SPEC section 11). */
export const FORKED_EXIT_MS = 1000;

export interface SupervisorState {
  readonly name: string;
  /** argv[0] of the command, as a failed first start names it. */
  readonly program: string;
  readonly config: MachineConfig;
  readonly phase: Phase;
  readonly want: Want;
  readonly paused: boolean;
  readonly alarmsOn: boolean;
  /** `x` or supervise's own TERM: exit once the service is down. */
  readonly exitRequested: boolean;
  /** The foreground supervise waits for the first start's outcome (not with --foreground). */
  readonly callerWaiting: boolean;
  /** Set in `up` and `stopping`. */
  readonly service: RunningService | null;
  /** Set in `reclaiming`. */
  readonly orphan: OrphanStop | null;
  /** The session of the service's processes (SPEC section 11), from its last start; null before one. */
  readonly session: number | null;
  /** Set in `sweeping`. */
  readonly sweep: SweepState | null;
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
  readonly hookCounter: { count: number; lastExitAt: number } | null;
  readonly window: AlarmWindow | null;
  readonly lastExit: ServiceExit | null;
  /** Exits since this supervise started, for the metrics (SPEC section 14). */
  readonly exitCounts: ExitCounts;
  // Readiness and restart delay (SPEC section 15: ready_fd, ready_timeout, restart_delay, restart_delay_max).
  /** Unix ms at which the running service became ready (its start, without ready_fd); null while not ready. */
  readonly readySince: number | null;
  /** ready_timeout passed before the running service reported ready. */
  readonly readyTimedOut: boolean;
  /** The interval from start to start used after the last exit; null after a reset (a `u`, or none yet). */
  readonly restartIntervalMs: number | null;
  /** Unix ms of the armed start, shown as nextStartAt while `waiting`. */
  readonly startDueAt: number | null;
}

/** One control command as an event of the table; a read of control applies its runs through these. */
export interface CommandEvent {
  readonly kind: ControlCommand;
  readonly at: number;
}

export type SupervisorEvent =
  /** `leftovers`: processes of the dead supervise's session started after it (the orphan not among them). */
  | { kind: 'boot'; at: number; previous: PreviousService; leftovers?: readonly ProcessRef[] }
  | ControlEvent
  /** `session`: the session the service's processes are in (supervise's own, or the service's new one). */
  | { kind: 'started'; pid: number; at: number; session?: number }
  /** `cause`: exec failed, __stdout/__stderr could not be opened, or a section-15 setting cannot be applied (user needs root, ...). */
  | { kind: 'start-failed'; reason: string; cause: StartFailure; at: number }
  /** `leftovers`: how many processes of the service's session still ran at the exit (0 when not looked). */
  | { kind: 'exited'; pid: number; code: number | null; signal: string | null; at: number; leftovers?: number }
  | { kind: 'start-due'; at: number }
  | { kind: 'stop-timeout'; at: number }
  | { kind: 'orphan-gone'; at: number }
  /** The service's session holds no process any more (after `watch-session`). */
  | { kind: 'leftovers-gone'; at: number }
  | { kind: 'terminate'; signal: string; at: number }
  | { kind: 'hook-done'; at: number }
  | { kind: 'config'; config: MachineConfig }
  /** The service with `pid` wrote its newline on ready_fd. */
  | { kind: 'ready'; pid: number; at: number }
  /** ready_timeout after the start of the service with `pid`. */
  | { kind: 'ready-timeout'; pid: number; at: number };

/** The columns of the table: every event but the read of control, plus each control command. */
export type TableEvent = Exclude<SupervisorEvent, ControlEvent> | CommandEvent;
export type TableEventKind = TableEvent['kind'];

export type StartFailure = 'exec' | 'output' | 'settings';

/** `warning`: supervise runs on, but the service did not start (pid 0): the caller's terminal shows why. */
export type StartReport = { ok: true; pid: number; warning?: string } | { ok: false; exitCode: number; message: string };

export type Effect =
  | { kind: 'start' }
  | { kind: 'signal'; pid: number; signal: ServiceSignal }
  | { kind: 'arm-start'; at: number }
  | { kind: 'cancel-start' }
  | { kind: 'arm-stop-timeout'; at: number }
  | { kind: 'cancel-stop-timeout' }
  /** Watch processes that are not our children (the orphans) and raise `orphan-gone` when none runs. */
  | { kind: 'watch-orphan'; processes: readonly ProcessRef[] }
  /** Signal every process of the session but supervise itself. */
  | { kind: 'signal-session'; session: number; signal: ServiceSignal }
  /** Look at the session until it holds no process, then raise `leftovers-gone`. */
  | { kind: 'watch-session'; session: number }
  | { kind: 'unwatch-session' }
  | { kind: 'write-status' }
  | { kind: 'log'; level: 'notice' | 'warning' | 'fatal'; message: string }
  | { kind: 'alarm'; alarm: 'exit' | 'gave-up' | 'no-restart'; exit: ServiceExit; window: AlarmWindow; next: string }
  | { kind: 'reload-config' }
  /** The rest of a read, applied once the effects before it (a start, a reload) are done. */
  | { kind: 'resume-control'; event: ControlEvent }
  | { kind: 'run-hook'; count: number }
  /** Tells the waiting foreground supervise how the first start went. */
  | { kind: 'report-start'; report: StartReport }
  | { kind: 'exit'; code: number }
  /** Raise `ready-timeout` for `pid` at `at`, unless it has exited by then. */
  | { kind: 'arm-ready-timeout'; pid: number; at: number }
  /** `l`: rotate the output files now; nothing when supervise does not write them (SPEC section 12). */
  | { kind: 'rotate-output' };

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

export function initialState(
  name: string,
  program: string,
  config: MachineConfig,
  now: number,
  callerWaiting = false,
): SupervisorState {
  return {
    name,
    program,
    config,
    phase: 'down',
    want: 'up',
    paused: false,
    alarmsOn: true,
    exitRequested: false,
    callerWaiting,
    service: null,
    orphan: null,
    session: null,
    sweep: null,
    lastStartAt: null,
    since: now,
    starts: 0,
    endSignalledAt: null,
    hookCounter: null,
    window: null,
    lastExit: null,
    exitCounts: NO_EXITS,
    readySince: null,
    readyTimedOut: false,
    restartIntervalMs: null,
    startDueAt: null,
  };
}

export function transition(state: SupervisorState, event: SupervisorEvent): Step {
  if (event.kind === 'control') return applyControlRead(state, event);
  return act(state, event);
}

/** One cell of the table. */
function act(state: SupervisorState, event: TableEvent): Step {
  const cell = ACTIONS[state.phase][event.kind] as (state: SupervisorState, event: TableEvent) => Step;
  return cell(state, event);
}

/** A command's cell takes any command event, so one function can serve several commands. */
type CommandAction = (state: SupervisorState, event: CommandEvent) => Step;
type Row = {
  readonly [K in TableEventKind]: K extends ControlCommand ? CommandAction : (state: SupervisorState, event: Extract<TableEvent, { kind: K }>) => Step;
};

// ---- small steps the cells are made of ----

const WRITE_STATUS: Effect = { kind: 'write-status' };

function none(state: SupervisorState): Step {
  return { state, effects: [] };
}

function then(step: Step, next: (state: SupervisorState) => Step): Step {
  const following = next(step.state);
  return { state: following.state, effects: [...step.effects, ...following.effects] };
}

function log(level: 'notice' | 'warning' | 'fatal', message: string): Effect {
  return { kind: 'log', level, message };
}

function signal(pid: number, name: ServiceSignal): Effect {
  return { kind: 'signal', pid, signal: name };
}

/** A signal meant for the service: its pid, or under `kill_mode all` every process of its session (SPEC section 11). */
function signalService(state: SupervisorState, name: ServiceSignal): Effect {
  const service = state.service as RunningService;
  if (state.config.settings.killMode === 'all' && state.session !== null) return { kind: 'signal-session', session: state.session, signal: name };
  return signal(service.pid, name);
}

function ignore(state: SupervisorState): Step {
  return none(state);
}

/** Sets what the service should be doing; control reads write status once for all their commands. */
function wantOnly(want: Want): CommandAction {
  return (state) => none({ ...state, want });
}

function alarms(on: boolean): CommandAction {
  return (state) => none({ ...state, alarmsOn: on });
}

function reload(state: SupervisorState): Step {
  return { state, effects: [{ kind: 'reload-config' }] };
}

function rotateOutput(state: SupervisorState): Step {
  return { state, effects: [{ kind: 'rotate-output' }] };
}

function requestExitLater(state: SupervisorState): Step {
  return none({ ...state, exitRequested: true });
}

/**
 * Starts now, or arms a start `intervalMs` after the previous one: one second
 * by default (SPEC section 5), restart_delay and its doubling after an exit.
 */
function start(state: SupervisorState, at: number, intervalMs = restartInterval(state)): Step {
  const startAt = nextStartAt(state.lastStartAt, at, intervalMs);
  if (startAt <= at) return { state: { ...state, phase: 'starting' }, effects: [{ kind: 'start' }] };
  return { state: { ...state, phase: 'waiting', startDueAt: startAt }, effects: [{ kind: 'arm-start', at: startAt }] };
}

/** The interval from start to start in force: the one the last exit set, else restart_delay. */
function restartInterval(state: SupervisorState): number {
  return state.restartIntervalMs ?? state.config.settings.restartDelay * 1000;
}

/** An operator's start (`u` or `o`) resets the doubled delay and keeps only the short floor from the last start. */
function operatorStart(state: SupervisorState, at: number): Step {
  const reset = { ...state, restartIntervalMs: null };
  return start(reset, at, operatorStartIntervalMs(state.config.settings));
}

function finish(state: SupervisorState): Step {
  return {
    state: { ...state, phase: 'finished', exitRequested: true },
    effects: [log('notice', `supervise ${state.name} exiting`), WRITE_STATUS, { kind: 'exit', code: 0 }],
  };
}

/** After an exit, the hook, or the orphan: exit, start again, or stay down, as asked. */
function carryOn(state: SupervisorState, at: number): Step {
  if (state.exitRequested) return finish(state);
  if (state.want === 'up') return start(state, at);
  return none({ ...state, phase: 'down' });
}

/** The service runs: `d` sends stop_signal (TERM) then CONT, so a paused service sees it; KILL follows after stop_timeout. */
function stopService(state: SupervisorState, at: number): Step {
  const effects: Effect[] = [signalService(state, state.config.settings.stopSignal), signalService(state, 'SIGCONT')];
  const timeout = state.config.settings.stopTimeout;
  if (state.phase !== 'stopping' && timeout > 0) effects.push({ kind: 'arm-stop-timeout', at: at + timeout * 1000 });
  return { state: { ...state, phase: 'stopping', want: 'down', endSignalledAt: at, paused: false }, effects };
}

function stopRunning(state: SupervisorState, event: { at: number }): Step {
  return stopService(state, event.at);
}

/** Signals that do not end the service (p c h a). */
function send(name: ServiceSignal, paused?: boolean): CommandAction {
  return (state) => ({ state: paused === undefined ? state : { ...state, paused }, effects: [signalService(state, name)] });
}

/** Signals meant to end the service (i t k): its exit is then judged expected or not. */
function sendEnding(name: ServiceSignal): CommandAction {
  return (state, event) => ({ state: { ...state, endSignalledAt: event.at }, effects: [signalService(state, name)] });
}

// ---- cells that do more than one thing ----

function boot(state: SupervisorState, event: Extract<TableEvent, { kind: 'boot' }>): Step {
  const { previous, at } = event;
  // Under kill_mode process only the recorded pid is the service's, as in the C supervise.
  const leftovers = state.config.settings.killMode === 'process' ? [] : (event.leftovers ?? []);
  if (leftovers.length > 0) return reclaimOrphan(state, previous, leftovers, at);
  switch (previous.kind) {
    case 'none':
      return carryOn(state, at);
    case 'gone':
    case 'unrelated':
      return then({ state, effects: [describePrevious(previous)] }, (s) => carryOn(s, at));
    case 'orphan':
      return reclaimOrphan(state, previous, [], at);
  }
}

/**
 * A service left running by a supervise killed with SIGKILL is stopped before
 * the first start, so two copies never run: TERM (and CONT, as for `d`), KILL
 * after stop_timeout (5 s when 0), and failure when it outlives KILL.
 */
function reclaimOrphan(state: SupervisorState, previous: PreviousService, leftovers: readonly ProcessRef[], at: number): Step {
  const killDelayMs = orphanKillDelayMs(state.config.settings.stopTimeout);
  const orphan = previous.kind === 'orphan' ? previous : null;
  const others = leftovers.filter((process) => process.pid !== orphan?.pid);
  const processes: ProcessRef[] = [...(orphan ? [{ pid: orphan.pid, startTicks: orphan.startTicks }] : []), ...others];
  const what = [
    ...(orphan ? [`service ${state.name} pid ${orphan.pid}, started by a previous supervise, still runs ${JSON.stringify(orphan.argv)}`] : []),
    ...(others.length > 0 ? [`the previous supervise's session still holds pids ${others.map((p) => p.pid).join(' ')}`] : []),
  ];
  const recorded: Effect[] = previous.kind === 'gone' || previous.kind === 'unrelated' ? [describePrevious(previous)] : [];
  return {
    state: { ...state, phase: 'reclaiming', orphan: { processes, termAt: at, killAt: null } },
    effects: [
      ...recorded,
      log('warning', `${what.join('; ')}; stopping ${processes.length === 1 ? 'it' : 'them'} (TERM, KILL after ${killDelayMs / 1000} s) before starting a fresh one`),
      ...processes.flatMap((process) => [signal(process.pid, 'SIGTERM'), signal(process.pid, 'SIGCONT')]),
      { kind: 'watch-orphan', processes },
      { kind: 'arm-stop-timeout', at: at + killDelayMs },
    ],
  };
}

function describePrevious(previous: Extract<PreviousService, { kind: 'gone' | 'unrelated' }>): Effect {
  if (previous.kind === 'gone') return log('notice', `status names pid ${previous.pid} from a previous supervise; it no longer runs`);
  return log('notice', `status names pid ${previous.pid} from a previous supervise, left alone: ${previous.reason}`);
}

function pidsOf(processes: readonly ProcessRef[]): string {
  return processes.map((process) => process.pid).join(' ');
}

function orphanGone(state: SupervisorState, event: { at: number }): Step {
  const orphan = state.orphan as OrphanStop;
  const how = orphan.killAt === null ? 'TERM' : 'KILL';
  const seconds = ((event.at - orphan.termAt) / 1000).toFixed(1);
  return then(
    {
      state: { ...state, orphan: null },
      effects: [{ kind: 'cancel-stop-timeout' }, log('notice', `old service ${state.name} pid ${pidsOf(orphan.processes)} gone after ${how}, ${seconds} s`)],
    },
    (s) => carryOn(s, event.at),
  );
}

function orphanOutlivesSignal(state: SupervisorState, event: { at: number }): Step {
  const orphan = state.orphan as OrphanStop;
  if (orphan.killAt === null) {
    const killDelayMs = orphanKillDelayMs(state.config.settings.stopTimeout);
    return {
      state: { ...state, orphan: { ...orphan, killAt: event.at } },
      effects: [
        log('warning', `old service ${state.name} pid ${pidsOf(orphan.processes)} still running ${killDelayMs / 1000} s after TERM, sending KILL`),
        ...orphan.processes.map((process) => signal(process.pid, 'SIGKILL')),
        { kind: 'arm-stop-timeout', at: event.at + ORPHAN_KILL_WAIT_MS },
      ],
    };
  }
  const failure = `unable to stop old service ${state.name} pid ${pidsOf(orphan.processes)}: still running ${ORPHAN_KILL_WAIT_MS / 1000} s after KILL`;
  return failStartUp(state, EXIT_LOCK, failure, failure);
}

/** Supervise cannot start at all: the waiting caller hears why, and supervise exits without writing status. */
function failStartUp(state: SupervisorState, code: number, callerMessage: string, logMessage: string): Step {
  const effects: Effect[] = [log('fatal', logMessage)];
  if (state.callerWaiting) effects.push({ kind: 'report-start', report: { ok: false, exitCode: code, message: callerMessage } });
  effects.push({ kind: 'exit', code });
  return { state: { ...state, phase: 'finished', callerWaiting: false, orphan: null }, effects };
}

function started(state: SupervisorState, event: Extract<TableEvent, { kind: 'started' }>): Step {
  const { pid, at } = event;
  let next: SupervisorState = {
    ...state,
    phase: 'up',
    service: { pid, startedAt: at },
    session: event.session ?? state.session,
    lastStartAt: at,
    since: at,
    starts: state.starts + 1,
    endSignalledAt: null,
    paused: false,
    callerWaiting: false,
    ...readinessAtStart(state.config.settings, at),
  };
  const effects: Effect[] = [log('notice', `service ${state.name} started, pid ${pid}`), ...armReadyTimeout(state.config.settings, pid, at)];
  if (state.want === 'down') {
    // `d` came while the start was under way.
    const stopping = stopService(next, at);
    next = stopping.state;
    effects.push(...stopping.effects);
  }
  effects.push(WRITE_STATUS);
  // Reported once status holds the pid.
  if (state.callerWaiting) effects.push({ kind: 'report-start', report: { ok: true, pid } });
  return { state: next, effects };
}

function startFailed(state: SupervisorState, event: Extract<TableEvent, { kind: 'start-failed' }>): Step {
  const { reason, at } = event;
  if (state.callerWaiting && event.cause === 'settings') {
    // SPEC section 15: a setting that cannot be applied (user while not root) is not fatal, even at the
    // first start: supervise keeps running and pacing, and the caller hears why the service is not up.
    const warning = `unable to start service ${state.name}: ${reason}; supervise keeps trying once a second`;
    const report: Effect = { kind: 'report-start', report: { ok: true, pid: 0, warning } };
    return then(failedStartIsExit({ ...state, callerWaiting: false }, reason, at), (s) => ({ state: s, effects: [report] }));
  }
  if (state.callerWaiting) {
    // The first start failed: the caller's terminal hears it and nothing is retried.
    const callerMessage = event.cause === 'exec' ? `unable to start ${state.program}: ${reason}` : reason;
    const code = event.cause === 'exec' ? EXIT_COMMAND : EXIT_LOCK;
    return failStartUp(state, code, callerMessage, `unable to start service ${state.name}: ${reason}`);
  }
  return failedStartIsExit(state, reason, at);
}

/** After the first start, a failed start is an exit like any other: paced, counted and alarmed. */
function failedStartIsExit(state: SupervisorState, reason: string, at: number): Step {
  const exit: ServiceExit = { pid: 0, code: EXEC_FAILED_CODE, signal: null, coreDumped: false, at, uptimeMs: 0, expected: false };
  const counted = { ...state, lastStartAt: at, lastExit: exit, exitCounts: countExit(state.exitCounts, exit) };
  return afterExit(counted, exit, at, [log('warning', `unable to start service ${state.name}: ${reason}`)]);
}

function exited(state: SupervisorState, event: Extract<TableEvent, { kind: 'exited' }>): Step {
  const service = state.service as RunningService;
  if (service.pid !== event.pid) return none(state);
  const coreDumped = event.signal !== null && CORE_DUMP_SIGNALS.has(event.signal);
  const verdict = judgeLifeExit(
    state,
    event,
    judgeExit(
      { signalledAt: state.endSignalledAt, wantDown: state.want === 'down', stopTimeoutSeconds: state.config.settings.stopTimeout },
      { coreDumped: coreDumped && !killedByStopSignal(state, event), at: event.at },
    ),
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
  const uptime = (exit.uptimeMs / 1000).toFixed(exit.uptimeMs < 10_000 ? 1 : 0);
  const expectation = verdict.expected ? `, expected${verdict.because ?? ''}` : verdict.why !== null ? `, not expected: ${verdict.why}` : '';
  const next: SupervisorState = { ...state, service: null, since: event.at, paused: false, endSignalledAt: null, lastExit: exit };
  const report: Effect[] = [log('notice', `service ${state.name} ${describeExit(exit)}, pid ${exit.pid}, ran ${uptime} s${expectation}`)];
  // A run started with `o` may well be a quick job; only a service meant to stay up is suspect.
  const forked = exit.code === 0 && exit.uptimeMs < FORKED_EXIT_MS && state.endSignalledAt === null && state.want === 'up';
  if (forked) report.push(log('warning', describeForkedExit(state.name, exit)));
  const cancel: Effect[] = state.phase === 'stopping' ? [{ kind: 'cancel-stop-timeout' }] : [];
  const leftovers = event.leftovers ?? 0;
  const counted: SupervisorState = { ...next, exitCounts: countExit(state.exitCounts, exit) };
  const after =
    leftovers > 0 && state.session !== null && state.config.settings.killMode !== 'process'
      ? sweepLeftovers(counted, exit, state.session, leftovers, event.at, report)
      : afterExit(counted, exit, event.at, report);
  return { state: after.state, effects: [...cancel, ...after.effects] };
}

function describeForkedExit(name: string, exit: ServiceExit): string {
  return (
    `service ${name} exited with code 0 ${(exit.uptimeMs / 1000).toFixed(1)} s after its start: it probably forked into the background, ` +
    `which supervise cannot follow; run it in the foreground, e.g. nginx -g 'daemon off;'`
  );
}

/**
 * The service pid is gone but its session still holds processes: TERM and
 * CONT to each, KILL after the grace (stop_timeout, or 5 s), and what the exit
 * leads to (alarm, hook, restart, exit) only once the session is empty, so a
 * fresh start never meets its own orphans (SPEC section 11).
 */
function sweepLeftovers(state: SupervisorState, exit: ServiceExit, session: number, count: number, at: number, report: readonly Effect[]): Step {
  const graceMs = orphanKillDelayMs(state.config.settings.stopTimeout);
  return {
    state: { ...state, phase: 'sweeping', sweep: { exit, session, termAt: at, killAt: null } },
    effects: [
      ...report,
      log('notice', `service ${state.name} left ${count} process${count === 1 ? '' : 'es'} in session ${session}: sending TERM, KILL after ${graceMs / 1000} s`),
      { kind: 'signal-session', session, signal: 'SIGTERM' },
      { kind: 'signal-session', session, signal: 'SIGCONT' },
      { kind: 'watch-session', session },
      { kind: 'arm-stop-timeout', at: at + graceMs },
      WRITE_STATUS,
    ],
  };
}

function leftoversGone(state: SupervisorState, event: { at: number }): Step {
  const sweep = state.sweep as SweepState;
  const how = sweep.killAt === null ? 'TERM' : 'KILL';
  const seconds = ((event.at - sweep.termAt) / 1000).toFixed(1);
  const done: Effect[] = [{ kind: 'cancel-stop-timeout' }, log('notice', `service ${state.name}: session ${sweep.session} empty after ${how}, ${seconds} s`)];
  return afterExit({ ...state, sweep: null }, sweep.exit, event.at, done);
}

function sweepOutlivesSignal(state: SupervisorState, event: { at: number }): Step {
  const sweep = state.sweep as SweepState;
  if (sweep.killAt === null) {
    const graceMs = orphanKillDelayMs(state.config.settings.stopTimeout);
    return {
      state: { ...state, sweep: { ...sweep, killAt: event.at } },
      effects: [
        log('warning', `service ${state.name}: processes of session ${sweep.session} still running ${graceMs / 1000} s after TERM, sending KILL`),
        { kind: 'signal-session', session: sweep.session, signal: 'SIGKILL' },
        { kind: 'arm-stop-timeout', at: event.at + ORPHAN_KILL_WAIT_MS },
      ],
    };
  }
  // Only a process stuck in the kernel outlives KILL; waiting longer would stop supervision for nothing.
  const stuck: Effect[] = [
    { kind: 'unwatch-session' },
    log('warning', `unable to empty session ${sweep.session} of service ${state.name}: processes still running ${ORPHAN_KILL_WAIT_MS / 1000} s after KILL; carrying on`),
  ];
  return afterExit({ ...state, sweep: null }, sweep.exit, event.at, stuck);
}

/**
 * The alarm policy or the restart hook, then what comes next; `report` is the
 * exit's log line. A restart due now goes first, as daemontools forks before
 * it writes status: the service is back sooner, and status is then written
 * once, by the start's outcome.
 */
function afterExit(exitedState: SupervisorState, exit: ServiceExit, at: number, exitReport: readonly Effect[]): Step {
  const noRestart = decideNoRestart(exitedState, exit);
  const state: SupervisorState = {
    ...(noRestart === null ? exitedState : noRestart.state),
    restartIntervalMs: restartIntervalAfterExit(exitedState.restartIntervalMs, exit.uptimeMs, exitedState.config.settings),
  };
  const report = noRestart === null ? exitReport : [...exitReport, noRestart.notice];
  if (state.config.restartHook) {
    const hookCounter = nextHookCount(state.hookCounter, at, state.config.hookResetSeconds);
    return {
      state: { ...state, phase: 'hook', hookCounter },
      effects: [...report, WRITE_STATUS, { kind: 'run-hook', count: hookCounter.count }],
    };
  }
  const decision = decideOnExit(state.window, exit, limitsOf(state.config), !state.alarmsOn, at);
  const next = { ...state, window: decision.window };
  if (decision.giveUp) {
    const window = decision.window ?? { openedAt: at, exits: decision.giveUp.exits, coreDumps: decision.giveUp.coreDumps };
    const effects: Effect[] = [...report, log('fatal', `service ${state.name} ${decision.giveUp.reason}, supervise gave up`)];
    if (decision.sendAlarm) effects.push({ kind: 'alarm', alarm: 'gave-up', exit, window, next: 'supervise gave up and exited' });
    effects.push(WRITE_STATUS, { kind: 'exit', code: EXIT_GAVE_UP });
    return { state: { ...next, phase: 'finished', want: 'down' }, effects };
  }
  const alarm: Effect[] =
    noRestart !== null
      ? noRestartAlarm(next, exit, decision.window, at)
      : decision.sendAlarm && decision.window
        ? [{ kind: 'alarm', alarm: 'exit', exit, window: decision.window, next: describeNext(next, at) }]
        : [];
  const following = carryOn(next, at);
  switch (following.state.phase) {
    case 'starting':
      return { state: following.state, effects: [...following.effects, ...report, ...alarm] };
    case 'finished':
      return { state: following.state, effects: [...report, ...alarm, ...following.effects] };
    default:
      return { state: following.state, effects: [...report, ...alarm, WRITE_STATUS, ...following.effects] };
  }
}

function describeNext(state: SupervisorState, at: number): string {
  if (state.exitRequested) return 'supervise exits';
  if (state.want !== 'up') return 'the service stays down (want down)';
  const delayMs = nextStartAt(state.lastStartAt, at, restartInterval(state)) - at;
  return delayMs > 0 ? `restarting in ${(delayMs / 1000).toFixed(1)} s` : 'restarting now';
}

function stopTimeout(state: SupervisorState): Step {
  return {
    state,
    effects: [
      log('warning', `service ${state.name} still running ${state.config.settings.stopTimeout} s after ${state.config.settings.stopSignal.slice(3)}, sending KILL`),
      signalService(state, 'SIGKILL'),
    ],
  };
}

function hookDone(state: SupervisorState, event: { at: number }): Step {
  return carryOn(state, event.at);
}

/** The armed start is due: the timer measured the interval it was armed with (which a `u` may have shortened). */
function startDue(state: SupervisorState): Step {
  return { state: { ...state, phase: 'starting' }, effects: [{ kind: 'start' }] };
}

function newConfig(state: SupervisorState, event: Extract<TableEvent, { kind: 'config' }>): Step {
  // status.json shows the limits in force.
  return { state: { ...state, config: event.config }, effects: [WRITE_STATUS] };
}

function received(state: SupervisorState, event: Extract<TableEvent, { kind: 'terminate' }>): Effect {
  return log('notice', `supervise ${state.name} received ${event.signal}, stopping`);
}

/** supervise's own TERM or INT: stop the service as `d` does, then exit. */
function terminateRunning(state: SupervisorState, event: Extract<TableEvent, { kind: 'terminate' }>): Step {
  const stopped = stopService({ ...state, exitRequested: true }, event.at);
  return { state: stopped.state, effects: [received(state, event), ...stopped.effects, WRITE_STATUS] };
}

/** Nothing runs: exit now. */
function terminateIdle(state: SupervisorState, event: Extract<TableEvent, { kind: 'terminate' }>): Step {
  const cancel: Effect[] = state.phase === 'waiting' ? [{ kind: 'cancel-start' }] : [];
  return then({ state: { ...state, want: 'down' }, effects: [received(state, event), ...cancel] }, finish);
}

/** A start, the hook or the orphan is under way: want down and exit once it is over. */
function terminateLater(state: SupervisorState, event: Extract<TableEvent, { kind: 'terminate' }>): Step {
  return { state: { ...state, want: 'down', exitRequested: true }, effects: [received(state, event), WRITE_STATUS] };
}

function upFromDown(want: Want): CommandAction {
  return (state, event) => operatorStart({ ...state, want }, event.at);
}

/** `u` or `o` while a delayed start is armed: start at once (or after the short floor), as the operator asked. */
function upFromWaiting(want: Want): CommandAction {
  return (state, event) => then({ state: { ...state, want }, effects: [{ kind: 'cancel-start' }] }, (s) => operatorStart(s, event.at));
}

function cancelWaiting(state: SupervisorState): Step {
  return { state: { ...state, want: 'down', phase: 'down' }, effects: [{ kind: 'cancel-start' }] };
}

function exitNow(state: SupervisorState): Step {
  return finish(state);
}

function exitWaiting(state: SupervisorState): Step {
  return then({ state, effects: [{ kind: 'cancel-start' }] }, finish);
}

// ---- readiness, exit codes and the stop signal (SPEC section 15) ----

/** Without ready_fd the service is ready once it runs; with it, once it says so. */
function readinessAtStart(settings: ModuleConfig, at: number): Pick<SupervisorState, 'readySince' | 'readyTimedOut'> {
  return { readySince: settings.readyFd === null ? at : null, readyTimedOut: false };
}

function armReadyTimeout(settings: ModuleConfig, pid: number, at: number): Effect[] {
  if (settings.readyFd === null || settings.readyTimeout <= 0) return [];
  return [{ kind: 'arm-ready-timeout', pid, at: at + settings.readyTimeout * 1000 }];
}

function serviceReady(state: SupervisorState, event: Extract<TableEvent, { kind: 'ready' }>): Step {
  const service = state.service as RunningService;
  if (service.pid !== event.pid || state.readySince !== null) return none(state);
  const seconds = ((event.at - service.startedAt) / 1000).toFixed(1);
  const late = state.readyTimedOut ? `, after ready_timeout ${state.config.settings.readyTimeout} s` : '';
  return {
    state: { ...state, readySince: event.at },
    effects: [log('notice', `service ${state.name} ready, pid ${service.pid}, ${seconds} s after its start${late}`), WRITE_STATUS],
  };
}

function readyTimeoutPassed(state: SupervisorState, event: Extract<TableEvent, { kind: 'ready-timeout' }>): Step {
  const service = state.service as RunningService;
  if (service.pid !== event.pid || state.readySince !== null || state.readyTimedOut) return none(state);
  const { readyTimeout, readyFd } = state.config.settings;
  return {
    state: { ...state, readyTimedOut: true },
    effects: [
      log('warning', `service ${state.name} pid ${service.pid} not ready ${readyTimeout} s after its start (ready_timeout ${readyTimeout}): no newline on descriptor ${readyFd ?? '?'} yet`),
      WRITE_STATUS,
    ],
  };
}

/** stop_signal QUIT kills with a core-dumping signal: that is the stop supervise sent, not a crash. */
function killedByStopSignal(state: SupervisorState, event: { signal: string | null }): boolean {
  return state.phase === 'stopping' && event.signal === state.config.settings.stopSignal;
}

/** The verdict of expected-exit.ts, and success_exit_codes: such an exit is expected too, saying why. */
function judgeLifeExit(
  state: SupervisorState,
  event: { code: number | null },
  verdict: ExitVerdict,
): { expected: true; because?: string } | { expected: false; why: string | null } {
  if (verdict.expected || event.code === null || !state.config.settings.successExitCodes.includes(event.code)) return verdict;
  return { expected: true, because: ' (success_exit_codes)' };
}

/** no_restart_exit_codes: want becomes down, with a NOTICE saying why; null when the exit is not one of them. */
function decideNoRestart(state: SupervisorState, exit: ServiceExit): { state: SupervisorState; notice: Effect } | null {
  if (exit.code === null || state.want === 'down' || !state.config.settings.noRestartExitCodes.includes(exit.code)) return null;
  return {
    state: { ...state, want: 'down' },
    notice: log('notice', `service ${state.name} exited with code ${exit.code}, one of no_restart_exit_codes: not restarting it (want down)`),
  };
}

/** The one alarm of a no-restart exit, instead of the window's exit alarm; as any alarm, only when alarms are on. */
function noRestartAlarm(state: SupervisorState, exit: ServiceExit, window: AlarmWindow | null, at: number): Effect[] {
  if (!state.alarmsOn || state.config.settings.alarmInterval <= 0) return [];
  return [
    {
      kind: 'alarm',
      alarm: 'no-restart',
      exit,
      window: window ?? { openedAt: at, exits: 0, coreDumps: 0 },
      next: `${describeNext(state, at)}: exit code ${exit.code ?? '?'} is in no_restart_exit_codes`,
    },
  ];
}

// ---- the table ----

/** What every phase does alike: `s`, `n`, `r`, a new config, and nothing for the events that cannot come. */
const COMMON: Row = {
  boot: ignore,
  up: wantOnly('up'),
  down: wantOnly('down'),
  once: wantOnly('once'),
  exit: requestExitLater,
  pause: ignore,
  cont: ignore,
  hup: ignore,
  alarm: ignore,
  int: ignore,
  term: ignore,
  kill: ignore,
  silence: alarms(false),
  unsilence: alarms(true),
  reload,
  started: ignore,
  'start-failed': ignore,
  exited: ignore,
  'start-due': ignore,
  'stop-timeout': ignore,
  'orphan-gone': ignore,
  'leftovers-gone': ignore,
  terminate: terminateLater,
  'hook-done': ignore,
  config: newConfig,
  ready: ignore,
  'ready-timeout': ignore,
  rotate: rotateOutput,
};

/** The signals a running service can be sent; the same in `up` and `stopping`. */
const RUNNING: Row = {
  ...COMMON,
  exited,
  pause: send('SIGSTOP', true),
  cont: send('SIGCONT', false),
  hup: send('SIGHUP'),
  alarm: send('SIGALRM'),
  int: sendEnding('SIGINT'),
  term: sendEnding('SIGTERM'),
  kill: sendEnding('SIGKILL'),
  down: stopRunning,
  terminate: terminateRunning,
  ready: serviceReady,
  'ready-timeout': readyTimeoutPassed,
};

const FINISHED: Row = Object.fromEntries(Object.keys(COMMON).map((kind) => [kind, ignore])) as unknown as Row;

export const ACTIONS: Readonly<Record<Phase, Row>> = {
  down: {
    ...COMMON,
    boot,
    up: upFromDown('up'),
    once: upFromDown('once'),
    exit: exitNow,
    terminate: terminateIdle,
  },
  reclaiming: {
    ...COMMON,
    'orphan-gone': orphanGone,
    'stop-timeout': orphanOutlivesSignal,
  },
  starting: {
    ...COMMON,
    started,
    'start-failed': startFailed,
  },
  up: RUNNING,
  stopping: {
    ...RUNNING,
    'stop-timeout': stopTimeout,
  },
  waiting: {
    ...COMMON,
    down: cancelWaiting,
    up: upFromWaiting('up'),
    once: upFromWaiting('once'),
    exit: exitWaiting,
    'start-due': startDue,
    terminate: terminateIdle,
  },
  hook: {
    ...COMMON,
    'hook-done': hookDone,
  },
  finished: FINISHED,
  sweeping: {
    ...COMMON,
    'leftovers-gone': leftoversGone,
    'stop-timeout': sweepOutlivesSignal,
  },
};

// ---- one read of control ----

/** A read of more runs than this is logged as one line counting each command. */
export const MAX_RUNS_LOGGED_EACH = 8;

/** What `status` and status.json show of the state a command can change. */
function statusView(state: SupervisorState): string {
  // status.json's nextStartAt too: a `u` during a delayed start moves it.
  return `${state.want} ${state.paused} ${state.alarmsOn} ${state.phase === 'waiting' ? state.startDueAt : null}`;
}

/**
 * A flood of commands (10,000 `h`, or 64 KiB of `sn` alternating) must not
 * bury a `d` that follows it under thousands of log lines and status writes:
 * each command still acts through the table (one signal each, in order), but
 * the read is logged in a bounded number of lines, status is written once
 * when the read changed it, and its `r` is carried out once.
 *
 * A start or a reload splits the read: the commands after it are handed back
 * in a `resume-control` effect, so they see the new pid or config as they did
 * when each command was a step of its own (`ud` signals the service `u`
 * started). Starts are paced, so a read splits only a few times.
 */
function applyControlRead(state: SupervisorState, event: ControlEvent): Step {
  const { runs, at } = event;
  const effects: Effect[] = event.logged ? [] : logControlRead(runs);
  const before = statusView(state);
  let current = state;
  let reloaded = event.reloaded ?? false;
  let split: 'start' | 'reload-config' | null = null;
  for (let index = 0; index < runs.length && split === null && current.phase !== 'finished'; index += 1) {
    const { command, count } = runs[index];
    if (command === 'reload') {
      // The file is read once, however many `r` the read holds.
      if (reloaded) continue;
      reloaded = true;
    }
    let round = 0;
    while (round < count && split === null && current.phase !== 'finished') {
      const step = act(current, { kind: command, at });
      const unchanged = step.state === current;
      current = step.state;
      for (const effect of step.effects) {
        effects.push(effect);
        if (effect.kind === 'start' || effect.kind === 'reload-config') split = effect.kind;
      }
      round += 1;
      // A cell is pure: one that left the state as it was (`h` signals, an
      // ignored command) gives the same step for every remaining command of
      // the run, so the rest are its effects again, without 10,000 steps.
      if (unchanged && split === null) {
        for (; round < count; round += 1) effects.push(...step.effects);
      }
    }
    if (split !== null) {
      const rest = [...(round < count ? [{ ...runs[index], count: count - round }] : []), ...runs.slice(index + 1)];
      if (rest.length > 0) effects.push({ kind: 'resume-control', event: { ...event, runs: rest, logged: true, reloaded } });
    }
  }
  // A finished machine wrote status on its way out; a start's outcome writes it with the new pid.
  if (current.phase !== 'finished' && split !== 'start' && statusView(current) !== before) effects.push(WRITE_STATUS);
  return { state: current, effects };
}

/** The whole read is logged as it is read: a line per run when there are few, else one line. */
function logControlRead(runs: readonly ControlRun[]): Effect[] {
  if (runs.length > MAX_RUNS_LOGGED_EACH) return [log('notice', describeControlRead(runs))];
  return runs.map((run) => log('notice', describeRun(run)));
}

function describeRun(run: ControlRun): string {
  const times = run.count > 1 ? `, ${run.count} times` : '';
  return `control command ${run.letter} (${run.command})${times}`;
}

/** `control commands: 65536 in one read: s (silence) x32768, n (unsilence) x32768`, letters in order of first use. */
function describeControlRead(runs: readonly ControlRun[]): string {
  const counts = new Map<string, number>();
  let total = 0;
  for (const run of runs) {
    const label = `${run.letter} (${run.command})`;
    counts.set(label, (counts.get(label) ?? 0) + run.count);
    total += run.count;
  }
  const parts = [...counts].map(([label, count]) => `${label} x${count}`);
  return `control commands: ${total} in one read: ${parts.join(', ')}`;
}
