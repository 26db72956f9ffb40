// Lets the daemon start the service before winston has loaded (about 45 ms
// of module evaluation): lines logged until then wait here with the time they
// were logged, and go to the real files, in order, once the logger is there.
import type { SupervisorLogger } from '../supervisor.js';
import type { LogLevel } from './log-line-format.js';

/** The supervisor's logger, and a way to close the files. */
export interface LevelLogger extends SupervisorLogger {
  /** Resolves once every line logged before it is written out. */
  close(): Promise<void>;
}

/** Builds the real logger; `now` gives each line its time, which replays set to when it was logged. */
export type LoggerFactory = (now: () => Date) => LevelLogger;

/** Lines kept while the files cannot be opened; older ones are dropped and counted. */
const MAX_WAITING_LINES = 1000;

export class DeferredLogger implements LevelLogger {
  private queue: { level: LogLevel; message: string; at: Date }[] | null = [];
  private dropped = 0;
  private target: LevelLogger | null = null;
  private factory: LoggerFactory | null = null;
  private replayTime: Date | null = null;
  private closed = false;

  /** `now` is the clock lines are stamped with; tests pass their own. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  notice(message: string): void {
    this.log('notice', message);
  }

  warning(message: string): void {
    this.log('warning', message);
  }

  fatal(message: string): void {
    this.log('fatal', message);
  }

  /**
   * Creates the real logger and writes out what waited, keeping each line's
   * time. When the files cannot be opened (the status directory was removed),
   * lines keep waiting and the next one tries again.
   */
  attach(factory: LoggerFactory): boolean {
    if (this.target || this.closed) return this.target !== null;
    this.factory = factory;
    let target: LevelLogger;
    try {
      target = factory(() => this.replayTime ?? this.now());
    } catch {
      return false;
    }
    if (this.dropped > 0) target.warning(`${this.dropped} log lines lost while the log files could not be opened`);
    for (const line of this.queue ?? []) {
      this.replayTime = line.at;
      target[line.level](line.message);
    }
    this.replayTime = null;
    this.queue = null;
    this.target = target;
    return true;
  }

  get attached(): boolean {
    return this.target !== null;
  }

  /** Resolves once the lines are in the files (or, when they never opened, at once: those lines are lost). */
  async close(): Promise<void> {
    if (!this.target && this.factory) this.attach(this.factory);
    this.closed = true;
    await this.target?.close();
  }

  private log(level: LogLevel, message: string): void {
    if (this.closed) return;
    if (this.target) {
      this.target[level](message);
      return;
    }
    this.queue?.push({ level, message, at: this.now() });
    if (this.queue && this.queue.length > MAX_WAITING_LINES) {
      this.queue.shift();
      this.dropped += 1;
    }
    if (this.factory) this.attach(this.factory);
  }
}
