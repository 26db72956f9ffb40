// The imperative shell: feeds events into the pure machine and carries out the
// effects it returns through the adapters it was given, the clock included.
// No decisions here, and nothing that assumes one supervisor per process.
import {
  initialState,
  transition,
  type Effect,
  type MachineConfig,
  type StartFailure,
  type StartReport,
  type SupervisorEvent,
  type SupervisorState,
} from './core/supervisor-machine.js';
import { describeCause } from './core/supervise-error.js';
import type { ServiceSignal } from './core/types.js';

export interface SupervisorLogger {
  notice(message: string): void;
  warning(message: string): void;
  fatal(message: string): void;
}

export type TimerHandle = unknown;

export interface SupervisorClock {
  now(): number;
  setTimer(delayMs: number, fire: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface StartCallbacks {
  onExit(pid: number, code: number | null, signal: string | null): void;
  /** `cause` 'output': __stdout or __stderr could not be opened. May be called before startService returns. */
  onStartFailed(reason: string, cause: StartFailure): void;
  /** The service wrote its newline on ready_fd (SPEC section 15). */
  onReady(pid: number): void;
}

export interface SupervisorAdapters {
  clock: SupervisorClock;
  logger: SupervisorLogger;
  /** Writes `status` and `status.json`; a failure is only a warning. */
  writeStatus(state: SupervisorState): void;
  /** Starts the service and returns its pid, or null when the start failed (reported through onStartFailed). */
  startService(callbacks: StartCallbacks): number | null;
  signalService(pid: number, signal: ServiceSignal): void;
  /** The session the service just started as `pid` is in: supervise's own, or its new one (SPEC section 11). */
  sessionOf(pid: number): number;
  /** How many processes `session` holds, supervise not counted. */
  countSessionProcesses(session: number): number;
  /** Signals every process of `session` but supervise. */
  signalSession(session: number, signal: ServiceSignal): void;
  /** Whether `pid` is still the process that started at `startTicks` (the orphan is not our child: it cannot be waited for). */
  isProcessRunning(pid: number, startTicks: number): boolean;
  /** Fire and forget: must never throw or delay supervision. */
  sendAlarm(effect: Extract<Effect, { kind: 'alarm' }>, state: SupervisorState): void;
  /** Loads the config again; null keeps the values in force. */
  reloadConfig(): MachineConfig | null;
  runRestartHook(count: number, done: () => void): void;
  /** Tells the waiting foreground supervise how the first start went. */
  reportStart(report: StartReport): void;
  exit(code: number): void;
  /** `l`: rotates the output files when supervise writes them (piped mode); nothing otherwise. */
  rotateOutput(): void;
}

/** How often /proc is looked at while an orphan is being stopped. */
export const ORPHAN_POLL_MS = 25;

/** How often the session is looked at during a sweep: each look reads /proc/*\/stat, so a little less often. */
export const SESSION_POLL_MS = 50;

/** One pending timer (a paced start, a stop timeout, the orphan's poll): arming again replaces it. */
class TimerSlot {
  private handle: TimerHandle | null = null;

  constructor(private readonly clock: SupervisorClock) {}

  arm(delayMs: number, fire: () => void): void {
    this.clear();
    this.handle = this.clock.setTimer(delayMs, () => {
      this.handle = null;
      fire();
    });
  }

  clear(): void {
    if (this.handle !== null) this.clock.clearTimer(this.handle);
    this.handle = null;
  }
}

export interface SupervisorOptions {
  name: string;
  /** argv[0] of the command. */
  program: string;
  config: MachineConfig;
  /** The foreground supervise waits for the first start's outcome. */
  callerWaiting: boolean;
  /** Start with want down (supervise-scan's `down` file, SPEC section 13). */
  wantDown?: boolean;
}

export class Supervisor {
  private state: SupervisorState;
  private readonly startTimer: TimerSlot;
  private readonly stopTimer: TimerSlot;
  private readonly orphanPoll: TimerSlot;
  private readonly readyTimer: TimerSlot;
  private readonly sessionPoll: TimerSlot;
  private readonly pending: SupervisorEvent[] = [];
  private dispatching = false;
  /** Signals that failed in the current step: one read of control may send thousands, so only the first is logged whole. */
  private signalFailures = 0;

  constructor(
    options: SupervisorOptions,
    private readonly adapters: SupervisorAdapters,
  ) {
    this.state = initialState(options.name, options.program, options.config, adapters.clock.now(), options.callerWaiting);
    if (options.wantDown === true) this.state = { ...this.state, want: 'down' };
    this.startTimer = new TimerSlot(adapters.clock);
    this.stopTimer = new TimerSlot(adapters.clock);
    this.orphanPoll = new TimerSlot(adapters.clock);
    this.readyTimer = new TimerSlot(adapters.clock);
    this.sessionPoll = new TimerSlot(adapters.clock);
  }

  get current(): SupervisorState {
    return this.state;
  }

  now(): number {
    return this.adapters.clock.now();
  }

  /**
   * Events raised while effects are carried out (the `started` of a start)
   * wait until the current step's effects are done, so every step is seen
   * whole and in order.
   */
  dispatch(event: SupervisorEvent): void {
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        const step = transition(this.state, next);
        this.state = step.state;
        this.signalFailures = 0;
        for (const effect of step.effects) this.perform(effect);
        if (this.signalFailures > 1) this.adapters.logger.warning(`unable to send ${this.signalFailures - 1} more signals to the service`);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private perform(effect: Effect): void {
    const { adapters } = this;
    const at = () => adapters.clock.now();
    switch (effect.kind) {
      case 'start':
        this.start();
        return;
      case 'signal':
        this.signal(effect.pid, effect.signal);
        return;
      case 'resume-control':
        this.dispatch(effect.event);
        return;
      case 'arm-start':
        this.startTimer.arm(effect.at - at(), () => this.dispatch({ kind: 'start-due', at: at() }));
        return;
      case 'cancel-start':
        this.startTimer.clear();
        return;
      case 'arm-stop-timeout':
        this.stopTimer.arm(effect.at - at(), () => this.dispatch({ kind: 'stop-timeout', at: at() }));
        return;
      case 'cancel-stop-timeout':
        this.stopTimer.clear();
        return;
      case 'watch-orphan':
        this.watchOrphan(effect.processes);
        return;
      case 'signal-session':
        this.signalSession(effect.session, effect.signal);
        return;
      case 'watch-session':
        this.watchSession(effect.session);
        return;
      case 'unwatch-session':
        this.sessionPoll.clear();
        return;
      case 'write-status':
        adapters.writeStatus(this.state);
        return;
      case 'log':
        adapters.logger[effect.level](effect.message);
        return;
      case 'alarm':
        adapters.sendAlarm(effect, this.state);
        return;
      case 'reload-config': {
        const config = adapters.reloadConfig();
        if (config) this.dispatch({ kind: 'config', config });
        return;
      }
      case 'run-hook':
        adapters.runRestartHook(effect.count, () => this.dispatch({ kind: 'hook-done', at: at() }));
        return;
      case 'report-start':
        adapters.reportStart(effect.report);
        return;
      case 'rotate-output':
        adapters.rotateOutput();
        return;
      case 'exit':
        this.startTimer.clear();
        this.stopTimer.clear();
        this.orphanPoll.clear();
        this.readyTimer.clear();
        this.sessionPoll.clear();
        adapters.exit(effect.code);
        return;
      case 'arm-ready-timeout': {
        const { pid } = effect;
        this.readyTimer.arm(effect.at - at(), () => this.dispatch({ kind: 'ready-timeout', pid, at: at() }));
        return;
      }
    }
  }

  private signal(pid: number, name: ServiceSignal): void {
    try {
      this.adapters.signalService(pid, name);
    } catch (error) {
      this.signalFailures += 1;
      if (this.signalFailures > 1) return;
      this.adapters.logger.warning(`unable to send ${name} to pid ${pid}: ${describeCause(error)}`);
    }
  }

  private watchOrphan(processes: readonly { pid: number; startTicks: number }[]): void {
    const look = () => {
      if (processes.some(({ pid, startTicks }) => this.adapters.isProcessRunning(pid, startTicks))) this.orphanPoll.arm(ORPHAN_POLL_MS, look);
      else this.dispatch({ kind: 'orphan-gone', at: this.now() });
    };
    this.orphanPoll.arm(ORPHAN_POLL_MS, look);
  }

  private signalSession(session: number, name: ServiceSignal): void {
    try {
      this.adapters.signalSession(session, name);
    } catch (error) {
      this.adapters.logger.warning(`unable to send ${name} to the processes of session ${session}: ${describeCause(error)}`);
    }
  }

  /** Polls only while a sweep is under way; the first look is right away, as TERM often ends everything at once. */
  private watchSession(session: number): void {
    const look = () => {
      if (this.countSession(session) > 0) this.sessionPoll.arm(SESSION_POLL_MS, look);
      else this.dispatch({ kind: 'leftovers-gone', at: this.now() });
    };
    this.sessionPoll.arm(0, look);
  }

  private countSession(session: number | null): number {
    if (session === null) return 0;
    try {
      return this.adapters.countSessionProcesses(session);
    } catch (error) {
      this.adapters.logger.warning(`unable to read the processes of session ${session}: ${describeCause(error)}`);
      return 0;
    }
  }

  private start(): void {
    const { adapters } = this;
    let pid: number | null;
    try {
      pid = adapters.startService({
        onExit: (exitedPid, code, signal) => {
          const at = this.now();
          // What the service left behind is counted at its exit; the machine decides whether to sweep it.
          // Under kill_mode process nothing is swept, so /proc is not read (the scan is a restart's largest cost).
          const leftovers = this.state.config.settings.killMode === 'process' ? 0 : this.countSession(this.state.session);
          this.dispatch({ kind: 'exited', pid: exitedPid, code, signal, at, leftovers });
        },
        onStartFailed: (reason, cause) => this.dispatch({ kind: 'start-failed', reason, cause, at: this.now() }),
        onReady: (readyPid) => this.dispatch({ kind: 'ready', pid: readyPid, at: this.now() }),
      });
    } catch (error) {
      pid = null;
      this.dispatch({ kind: 'start-failed', reason: describeCause(error), cause: 'exec', at: this.now() });
    }
    if (pid !== null) this.dispatch({ kind: 'started', pid, at: this.now(), session: adapters.sessionOf(pid) });
  }
}
