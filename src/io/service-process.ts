// Starts the service as supervise's direct child, in supervise's session (or,
// when supervise leads none, a session of its own: SPEC section 11), with fd 1
// and 2 on __stdout and __stderr: supervise copies none of its output.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { LaunchPlan } from '../core/launch-plan.js';
import type { ServiceSignal } from '../core/types.js';
import { readyPipeStdio, watchReadyPipe } from './ready-pipe.js';
import { checkExecFormat, readHead } from './resolve-executable.js';
import { openServiceOutputs } from './service-output.js';

export interface StartServiceOptions {
  executable: string;
  argv: readonly string[];
  /** Where to open fd 1 and 2, and the same paths as messages should show them. */
  output: { stdout: string; stderr: string };
  shownOutput: { stdout: string; stderr: string };
  /** Piped mode (SPEC section 12): the pipes' write ends for fd 1 and 2, instead of the files; they stay open. */
  outputFds?: { stdout: number; stderr: number } | null;
  /** supervise-scan (SPEC section 13): fd 0 (a log service's pipe), fd 1 instead of the output file (the pipe to the log service), and the working directory when `directory` is not set. */
  stdinFd?: number | null;
  stdoutFd?: number | null;
  cwd?: string | null;
  onExit(pid: number, code: number | null, signal: string | null): void;
  /** setsid() in the child: its processes are then told apart from the caller's by their session. */
  ownSession?: boolean;
  /** Called later, from the event loop, when exec failed (startService returned null). */
  onStartFailed(reason: string): void;
  /** How SPEC section 15's settings run it (src/core/launch-plan.ts); without it, argv as it is. */
  launch?: LaunchPlan;
  /** ready_fd (SPEC section 15): the descriptor the service says it is ready on, and who hears it; null for none. */
  readyFd?: number | null;
  onReady?(pid: number): void;
}

/**
 * Returns the service's pid, or null when exec failed (onStartFailed follows);
 * throws ServiceOutputError when __stdout or __stderr cannot be opened.
 */
export function startService(options: StartServiceOptions): number | null {
  // Checked again at every start (the file may have been replaced): execvp would hand such a file to sh.
  const formatError = checkExecFormat(options.executable);
  if (formatError !== null) {
    setImmediate(() => options.onStartFailed(formatError));
    return null;
  }
  // Re-opened at every start so a removed or rotated file is re-created.
  const piped = options.outputFds ?? null;
  const output = piped ?? openServiceOutputs(options.output, options.shownOutput);
  try {
    const { launch } = options;
    // Node cannot give a child its own umask: the fork inherits ours, so ours
    // is the service's for the length of this synchronous spawn. Every file
    // the daemon creates is created synchronously on this thread, never in
    // that window.
    const ownUmask = launch?.umask != null ? process.umask(launch.umask) : null;
    let child;
    try {
      child = spawn(launch?.file ?? options.executable, launch?.args ?? options.argv.slice(1), {
        argv0: launch?.argv0 ?? options.argv[0],
        env: launch?.env,
        cwd: launch?.cwd ?? options.cwd ?? undefined,
        stdio: [options.stdinFd ?? 'ignore', options.stdoutFd ?? output.stdout, output.stderr, ...readyPipeStdio(options.readyFd ?? null)],
        detached: options.ownSession === true,
      });
    } finally {
      if (ownUmask !== null) process.umask(ownUmask);
    }
    if (child.pid === undefined) {
      // spawn reports exec failures on the next tick, as an 'error' event.
      child.once('error', (error) => options.onStartFailed(describeExecFailure(error, options.executable)));
      return null;
    }
    const pid = child.pid;
    child.once('exit', (code, signal) => options.onExit(pid, code, signal));
    if (options.readyFd != null) watchReadyPipe(child, options.readyFd, () => options.onReady?.(pid));
    // The 'error' after a successful spawn can only be a failed kill(); ignore it.
    child.on('error', () => {});
    return pid;
  } finally {
    if (piped === null) {
      closeSync(output.stdout);
      closeSync(output.stderr);
    }
  }
}

/** Sends a signal; a service that is already gone is not an error. */
export function signalService(pid: number, signal: ServiceSignal): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Why exec failed. Node says "spawn PATH ENOENT" even when PATH exists and
 * it is the `#!` interpreter that is missing, which sends people looking for
 * the wrong file; name the interpreter then.
 */
export function describeExecFailure(error: NodeJS.ErrnoException, executable: string): string {
  const interpreter = error.code === 'ENOENT' ? readInterpreter(executable) : null;
  return interpreter === null ? error.message : `bad interpreter ${interpreter} in ${executable} (ENOENT)`;
}

/** The interpreter named on the `#!` line of `path`, or null when it has none or cannot be read. */
function readInterpreter(path: string): string | null {
  const head = readHead(path, 256);
  const match = head && /^#!\s*(\S+)/.exec(head.toString('latin1'));
  return match ? match[1] : null;
}
