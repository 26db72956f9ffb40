// Whether a supervise runs on a status directory, without disturbing it.
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { describeCause } from '../core/supervise-error.js';
import { tryFlock } from '../io/flock-descriptor.js';
import { CtlError, hasErrorCode } from './ctl-error.js';

/**
 * The `ok` FIFO test of svok (SPEC section 3): supervise keeps `ok` open for
 * reading, so a non-blocking open for writing succeeds exactly while it runs;
 * ENXIO means no reader, hence no supervise.
 */
export function isSuperviseRunning(dir: string): boolean {
  const path = join(dir, 'ok');
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (hasErrorCode(error, 'ENXIO') || hasErrorCode(error, 'ENOENT')) return false;
    throw new CtlError('system', `unable to open ${path}: ${describeCause(error)}`, { cause: error });
  }
  closeSync(fd);
  return true;
}

/**
 * Whether no supervise holds `lock`: a shared non-blocking flock succeeds only
 * when nobody holds it exclusively, and is dropped when the descriptor closes.
 */
export function isLockFree(dir: string): boolean {
  const path = join(dir, 'lock');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return true;
    throw new CtlError('system', `unable to open ${path}: ${describeCause(error)}`, { cause: error });
  }
  try {
    return tryFlock(fd, 'shared');
  } catch (error) {
    throw new CtlError('system', `unable to lock ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}
