// Opens `__stdout` and `__stderr` (or a FIFO an operator put in their place,
// say for cronolog) for the service and the restart hook without ever
// blocking the daemon: open(2) of a FIFO for writing waits for a reader, and
// the daemon has only one thread. So the first open is non-blocking, which
// fails at once with ENXIO when nobody reads. The service expects ordinary
// blocking writes on its fd 1 and 2, and Node has no fcntl(2) to clear
// O_NONBLOCK, so the descriptor it gets is a second, blocking open of the same
// file through /proc/self/fd/N (the same inode, whatever the path names by
// then). For a FIFO we hold a read end of our own during that open, so it
// cannot block even when the reader found a moment ago has just died.
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause } from '../core/supervise-error.js';

const PROBE_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;
const OUTPUT_FLAGS = constants.O_WRONLY | constants.O_APPEND;
const OUTPUT_MODE = 0o644;

export class ServiceOutputError extends Error {}

/** Opens `path` for appending; throws ServiceOutputError reading `unable to open PATH: REASON`. */
export function openServiceOutput(path: string, shownPath: string = path): number {
  let probe: number;
  try {
    probe = openSync(path, PROBE_FLAGS, OUTPUT_MODE);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENXIO' ? 'it is a FIFO that no process reads (ENXIO)' : describeCause(error);
    throw new ServiceOutputError(`unable to open ${shownPath}: ${reason}`, { cause: error });
  }
  const same = `/proc/self/fd/${probe}`;
  let readEnd: number | null = null;
  try {
    if (fstatSync(probe).isFIFO()) readEnd = openFifoReadEnd(same);
    return openSync(same, OUTPUT_FLAGS);
  } catch (error) {
    throw new ServiceOutputError(`unable to open ${shownPath}: ${describeCause(error)}`, { cause: error });
  } finally {
    if (readEnd !== null) closeSync(readEnd);
    // Closed after the blocking descriptor is open: the FIFO's reader never sees its last writer go.
    closeSync(probe);
  }
}

/**
 * A read end of our own (never read from) while the blocking open for
 * writing runs; null when we may not read the FIFO (another user's 0622
 * FIFO), and then that open relies on the reader the probe found.
 */
function openFifoReadEnd(path: string): number | null {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
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
