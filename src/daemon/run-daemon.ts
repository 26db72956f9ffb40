// The per-service daemon: process-level set-up (descriptors, environment,
// signals) around the one service it supervises (service-supervision.ts),
// and the process's exit once that service's supervision has finished.
import type { SuperviseOptions } from '../cli/supervise-options.js';
import { moduleNameOf } from '../core/module-name.js';
import { restoreCallerEnvironment } from '../io/daemon-environment.js';
import type { HandoffResult } from '../io/daemon-handoff.js';
import { closeInheritedDescriptors } from '../io/inherited-descriptors.js';
import { readOwnNofile, takeCallerNofile } from '../io/process-limits.js';
import { isSessionLeader } from '../io/session-processes.js';
import { IGNORED_SIGNALS } from '../io/refuse-inspector.js';
import { superviseService } from './service-supervision.js';

/** What the foreground supervise hands to the daemon. */
export interface DaemonPayload {
  options: SuperviseOptions;
  /** The command's executable, resolved on PATH before daemonizing. */
  executable: string;
}

export interface DaemonDescriptors {
  lockFd: number;
  /** The channel to the foreground supervise; null with --foreground. */
  report: ((result: HandoffResult) => void) | null;
}

export function runDaemon(payload: DaemonPayload, descriptors: DaemonDescriptors): void {
  const { options, executable } = payload;

  // Descriptors and signals: the service inherits only fd 0-2, and a hang-up of the caller's terminal is nothing.
  restoreCallerEnvironment();
  closeInheritedDescriptors();
  process.on('SIGHUP', () => {});
  // SPEC section 15: without limit_nofile the service gets the soft limit supervise was started with.
  const nofile = { callerSoft: takeCallerNofile(), soft: readOwnNofile().soft };

  // Handled before the first start writes status: a caller that sends TERM as soon as it sees the
  // service must not meet the default action, which would leave the service behind. Signals are
  // delivered from the event loop, so `supervision` is set by the time a handler runs.
  // Ignored since the first import (src/io/refuse-inspector.ts); said here, so a sender learns it.
  for (const signal of IGNORED_SIGNALS) process.on(signal, () => supervision.notice(`${signal} received: ignored`));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => supervision.terminate(signal));

  const supervision = superviseService({
    statusDir: options.statusDir,
    name: moduleNameOf(options.statusDir),
    command: options.command,
    executable,
    configPath: options.configPath,
    restartHook: options.restartHook,
    restartHookResetSeconds: options.restartHookResetSeconds,
    lockFd: descriptors.lockFd,
    report: descriptors.report,
    nofile,
    // The service's processes are told apart by session (SPEC section 11): supervise's own when it leads one, else a new one per start.
    ownSession: !isSessionLeader(),
  });
  void supervision.finished.then((code) => process.exit(code));
}
