// The imperative shell: feeds events into the pure machine and carries out the
// effects it returns through the adapters it was given. No decisions here.
import {
  initialState,
  transition,
  type Effect,
  type MachineConfig,
  type SupervisorEvent,
  type SupervisorState,
} from './core/supervisor-machine.js';
import type { ServiceSignal } from './core/types.js';

export interface SupervisorLogger {
  notice(message: string): void;
  warning(message: string): void;
  fatal(message: string): void;
}

export interface SupervisorAdapters {
  now(): number;
  logger: SupervisorLogger;
  /** Writes `status` and `status.json`; a failure is only a warning. */
  writeStatus(state: SupervisorState): void;
  /** Starts the service and returns its pid, or null when exec failed (reported through onStartFailed). */
  startService(callbacks: {
    onExit(pid: number, code: number | null, signal: string | null): void;
    onStartFailed(reason: string): void;
  }): number | null;
  signalService(pid: number, signal: ServiceSignal): void;
  /** Fire and forget: must never throw or delay supervision. */
  sendAlarm(effect: Extract<Effect, { kind: 'alarm' }>, state: SupervisorState): void;
  /** Loads the config again; null keeps the values in force. */
  reloadConfig(): MachineConfig | null;
  runRestartHook(count: number, done: () => void): void;
  exit(code: number): void;
}

/** One pending timer of the machine (a paced start, a stop timeout): arming again replaces it. */
class TimerSlot {
  private timer: NodeJS.Timeout | null = null;

  arm(delayMs: number, fire: () => void): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = null;
      fire();
    }, Math.max(0, delayMs));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export class Supervisor {
  private state: SupervisorState;
  private readonly startTimer = new TimerSlot();
  private readonly stopTimer = new TimerSlot();

  constructor(
    name: string,
    config: MachineConfig,
    private readonly adapters: SupervisorAdapters,
  ) {
    this.state = initialState(name, config, adapters.now());
  }

  get current(): SupervisorState {
    return this.state;
  }

  private readonly pending: SupervisorEvent[] = [];
  private dispatching = false;
  /** Signals that failed in the current step: one read of control may send thousands, so only the first is logged whole. */
  private signalFailures = 0;

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
    switch (effect.kind) {
      case 'start':
        this.start();
        return;
      case 'signal':
        try {
          adapters.signalService(effect.pid, effect.signal);
        } catch (error) {
          this.signalFailures += 1;
          if (this.signalFailures > 1) return;
          adapters.logger.warning(`unable to send ${effect.signal} to pid ${effect.pid}: ${(error as Error).message}`);
        }
        return;
      case 'resume-control':
        this.dispatch(effect.event);
        return;
      case 'arm-start':
        this.startTimer.arm(effect.at - adapters.now(), () => this.dispatch({ kind: 'start-due', at: adapters.now() }));
        return;
      case 'cancel-start':
        this.startTimer.clear();
        return;
      case 'arm-stop-timeout':
        this.stopTimer.arm(effect.at - adapters.now(), () => this.dispatch({ kind: 'stop-timeout', at: adapters.now() }));
        return;
      case 'cancel-stop-timeout':
        this.stopTimer.clear();
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
        adapters.runRestartHook(effect.count, () => this.dispatch({ kind: 'hook-done', at: adapters.now() }));
        return;
      case 'exit':
        this.startTimer.clear();
        this.stopTimer.clear();
        adapters.exit(effect.code);
        return;
    }
  }

  private start(): void {
    const { adapters } = this;
    let pid: number | null;
    try {
      pid = adapters.startService({
        onExit: (exitedPid, code, signal) => this.dispatch({ kind: 'exited', pid: exitedPid, code, signal, at: adapters.now() }),
        onStartFailed: (reason) => this.dispatch({ kind: 'start-failed', reason, at: adapters.now() }),
      });
    } catch (error) {
      // Opening __stdout/__stderr failed: defer, so the machine sees events in order.
      const reason = (error as Error).message;
      setImmediate(() => this.dispatch({ kind: 'start-failed', reason, at: adapters.now() }));
      return;
    }
    if (pid !== null) this.dispatch({ kind: 'started', pid, at: adapters.now() });
  }
}
