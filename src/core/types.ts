// Types shared by the pure core, the codecs and the adapters.

/** What the service should be doing: `once` runs it without restarting it. */
export type Want = 'up' | 'down' | 'once';

/** Signals supervise sends to the service. */
export type ServiceSignal =
  | 'SIGHUP'
  | 'SIGALRM'
  | 'SIGINT'
  | 'SIGTERM'
  | 'SIGKILL'
  | 'SIGSTOP'
  | 'SIGCONT'
  // stop_signal may also be one of these (SPEC section 15).
  | 'SIGQUIT'
  | 'SIGUSR1'
  | 'SIGUSR2';

/** One command of the control FIFO (SPEC section 4). */
export type ControlCommand =
  | 'up'
  | 'down'
  | 'once'
  | 'exit'
  | 'pause'
  | 'cont'
  | 'hup'
  | 'alarm'
  | 'int'
  | 'term'
  | 'kill'
  | 'silence'
  | 'unsilence'
  | 'reload'
  /** `l`: rotate the output files now (SPEC section 12). */
  | 'rotate';

/** A command repeated `count` times in a row in one read of the control FIFO. */
export interface ControlRun {
  readonly command: ControlCommand;
  /** The letter it was written as, for the log. */
  readonly letter: string;
  readonly count: number;
}

/** How the service ended, as the child adapter reports it. */
export interface ServiceExit {
  pid: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** Signal name such as 'SIGSEGV', or null for a normal exit. */
  signal: string | null;
  /** Killed by a signal whose default action dumps core (SPEC section 5). */
  coreDumped: boolean;
  /** Unix milliseconds of the exit. */
  at: number;
  /** Milliseconds the service ran. */
  uptimeMs: number;
  /** Caused by supervise itself (`d`, `t`, `i`, `k`, or its own SIGTERM): soon after the signal and no core dump (expected-exit.ts). */
  expected: boolean;
}

/** The signals whose default action dumps core (SPEC section 5). */
export const CORE_DUMP_SIGNALS: ReadonlySet<string> = new Set([
  'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ',
]);

/** Describes an exit for logs and alarms: "exited with code 3", "exited with coredump (SIGSEGV)". */
export function describeExit(exit: Pick<ServiceExit, 'code' | 'signal' | 'coreDumped'>): string {
  if (exit.signal !== null) {
    return exit.coreDumped ? `exited with coredump (${exit.signal})` : `was killed by ${exit.signal}`;
  }
  return `exited with code ${exit.code ?? 0}`;
}
