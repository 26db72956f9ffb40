// Opens `__stdout` and `__stderr` (or a FIFO an operator put in their place,
// say for cronolog) for the service and the restart hook without ever
// blocking the daemon: open(2) of a FIFO for writing waits for a reader, and
// the daemon has only one thread. So open non-blocking, which fails at once
// with ENXIO when nobody reads, then make the descriptor blocking again: the
// service expects ordinary blocking writes on its fd 1 and 2.
import { closeSync, constants, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fsExt from 'fs-ext';
import { describeCause } from '../core/supervise-error.js';

// fs-ext names only the descriptor-flag and lock commands; these are Linux's numbers.
const F_GETFL = 3;
const F_SETFL = 4;

const OUTPUT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;
const OUTPUT_MODE = 0o644;

export class ServiceOutputError extends Error {}

/** Opens `path` for appending; throws ServiceOutputError reading `unable to open PATH: REASON`. */
export function openServiceOutput(path: string, shownPath: string = path): number {
  let fd: number;
  try {
    fd = openSync(path, OUTPUT_FLAGS, OUTPUT_MODE);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENXIO' ? 'it is a FIFO that no process reads (ENXIO)' : describeCause(error);
    throw new ServiceOutputError(`unable to open ${shownPath}: ${reason}`, { cause: error });
  }
  try {
    fsExt.fcntlSync(fd, F_SETFL, fsExt.fcntlSync(fd, F_GETFL) & ~constants.O_NONBLOCK);
  } catch (error) {
    closeSync(fd);
    throw new ServiceOutputError(`unable to open ${shownPath}: ${describeCause(error)}`, { cause: error });
  }
  return fd;
}

/** Opens both output files, or neither. */
export function openServiceOutputs(paths: { stdout: string; stderr: string }, shown = paths): { stdout: number; stderr: number } {
  const stdout = openServiceOutput(paths.stdout, shown.stdout);
  try {
    return { stdout, stderr: openServiceOutput(paths.stderr, shown.stderr) };
  } catch (error) {
    closeSync(stdout);
    throw error;
  }
}

/**
 * Before daemonizing: opens and closes each output file that is not a FIFO,
 * so a directory in its place or another user's file is reported in the
 * caller's terminal. A FIFO is left to the daemon's start: opening and closing
 * it here would hand its reader (cronolog) an end-of-file.
 */
export function checkServiceOutputs(statusDir: string): void {
  for (const path of [join(statusDir, '__stdout'), join(statusDir, '__stderr')]) {
    if (statSync(path, { throwIfNoEntry: false })?.isFIFO()) continue;
    closeSync(openServiceOutput(path));
  }
}
