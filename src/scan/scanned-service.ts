// One service directory of SCANDIR under supervise-scan (SPEC section 13):
// SCANDIR/NAME/run supervised in SCANDIR/NAME/supervise, and, when
// SCANDIR/NAME/log/run exists, its log service in SCANDIR/NAME/log/supervise
// reading the service's stdout through a pipe held here. Each is the same
// per-service supervision the supervise daemon runs (src/daemon/service-supervision.ts).
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause, SuperviseError } from '../core/supervise-error.js';
import { superviseService, type ServiceSupervision, type ServiceSupervisionOptions } from '../daemon/service-supervision.js';
import { acquireLock } from '../io/lock-file.js';
import { prepareStatusDir } from '../io/status-dir.js';
import { createLogPipe, type LogPipe } from './log-pipe.js';
import type { ServiceDir } from './service-dirs.js';

/** How long a log service gets to read what is left in its pipe, after its service ended, before it is stopped as by `d`. */
export const LOG_DRAIN_MS = 5_000;

export interface ScanContext {
  configPath: string;
  nofile: ServiceSupervisionOptions['nofile'];
}

/** A held status directory: its lock taken, ready for a supervision. */
interface Claimed {
  statusDir: string;
  lockFd: number;
}

export class ScannedService {
  /** Resolves once the service's supervision has ended (stopped, or it gave up) and its log service after it. */
  readonly ended: Promise<void>;
  private stopSignal: 'SIGTERM' | 'SIGINT' | null = null;

  private constructor(
    readonly name: string,
    private readonly main: ServiceSupervision,
    private readonly log: ServiceSupervision | null,
    private readonly pipe: LogPipe | null,
  ) {
    this.ended = main.finished.then(() => this.endLogService());
  }

  /**
   * Takes both locks, then starts the log service first (its reader is there
   * before the first line) and the service. Throws SuperviseError when a
   * lock is held elsewhere or a status directory cannot be made; nothing is
   * left held then.
   */
  static start(dir: ServiceDir, context: ScanContext): ScannedService {
    const claimed: Claimed[] = [];
    let pipe: LogPipe | null = null;
    try {
      claimed.push(claim(join(dir.path, 'supervise')));
      if (dir.hasLog) claimed.push(claim(join(dir.path, 'log', 'supervise')));
      pipe = dir.hasLog ? createLogPipe() : null;
    } catch (error) {
      for (const { lockFd } of claimed) closeSync(lockFd);
      pipe?.close();
      throw error;
    }
    let log: ServiceSupervision | null = null;
    let main: ServiceSupervision;
    try {
      if (pipe !== null) log = superviseService({ ...runOf(join(dir.path, 'log'), `${dir.name}.log`, claimed[1], context), stdinFd: pipe.readFd });
      main = superviseService({ ...runOf(dir.path, dir.name, claimed[0], context), stdoutFd: pipe?.writeFd ?? null, wantDown: dir.down });
    } catch (error) {
      // The status directory could not be set up (a FIFO not made): what was taken is given back.
      closeSync(claimed[0].lockFd);
      if (log === null) {
        if (claimed[1]) closeSync(claimed[1].lockFd);
        pipe?.close();
      } else {
        // The log service started: it is stopped and ended as by `d` `x`, and releases its own lock.
        const started = log;
        started.control('dx');
        void started.finished.then(() => pipe?.close());
      }
      throw error;
    }
    return new ScannedService(dir.name, main, log, pipe);
  }

  /** `r` for this service and its log service. */
  reload(): void {
    this.main.control('r');
    this.log?.control('r');
  }

  /**
   * Stops the service as by `d` and ends its supervision (`x`), or, for
   * supervise-scan's own SIGTERM or SIGINT, as that signal does (`d` then
   * `x`, logged as the signal); its log service follows (endLogService).
   */
  stop(signal: 'SIGTERM' | 'SIGINT' | null): Promise<void> {
    this.stopSignal = signal;
    if (signal === null) this.main.control('dx');
    else this.main.terminate(signal);
    return this.ended;
  }

  /** Once the service has ended for good, its log service reads what is left in the pipe, then ends too. */
  private async endLogService(): Promise<void> {
    if (this.log !== null && this.pipe !== null) {
      const log = this.log;
      // No writer is left (but leftovers under kill_mode process): the log service reads to end-of-file, exits and is not restarted.
      this.pipe.closeWriteEnd();
      log.control('x');
      const timer = setTimeout(() => log.terminate(this.stopSignal ?? 'SIGTERM'), LOG_DRAIN_MS);
      await log.finished;
      clearTimeout(timer);
    }
    this.pipe?.close();
  }
}

function claim(statusDir: string): Claimed {
  prepareStatusDir(statusDir);
  return { statusDir, lockFd: acquireLock(join(statusDir, 'lock')) };
}

function runOf(path: string, name: string, claimed: Claimed, context: ScanContext): ServiceSupervisionOptions {
  return {
    statusDir: claimed.statusDir,
    name,
    command: ['./run'],
    executable: join(path, 'run'),
    configPath: context.configPath,
    restartHook: null,
    restartHookResetSeconds: 0,
    lockFd: claimed.lockFd,
    report: null,
    nofile: context.nofile,
    workingDir: path,
    recreateParents: false,
    ownSession: true,
  };
}

/** For the scan's WARNING when a directory cannot be taken. */
export function describeStartFailure(error: unknown): string {
  return error instanceof SuperviseError ? error.message : describeCause(error);
}
