// Writes command letters into `control` (SPEC section 4).
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause } from '../core/supervise-error.js';
import { CtlError, hasErrorCode } from './ctl-error.js';
import { labelOf } from './format-status-line.js';

/**
 * Non-blocking open: with no supervise reading the FIFO a blocking open would
 * hang forever, while O_NONBLOCK fails at once with ENXIO. No FIFO at all in
 * a checked status directory: its supervise died before making one.
 */
export function sendControl(dir: string, letters: string): void {
  const path = join(dir, 'control');
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (hasErrorCode(error, 'ENXIO') || hasErrorCode(error, 'ENOENT')) {
      throw new CtlError('not-running', `${labelOf(dir)}: supervise not running`, { cause: error });
    }
    throw new CtlError('system', `unable to open ${path}: ${describeCause(error)}`, { cause: error });
  }
  try {
    // A few bytes into a pipe are written whole (PIPE_BUF), or not at all
    // (EAGAIN) when supervise has stopped reading and the pipe is full.
    writeSync(fd, letters);
  } catch (error) {
    throw new CtlError('system', `unable to write ${path}: ${describeCause(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}
