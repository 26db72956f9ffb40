// Whether a supervise runs on a status directory, without disturbing it.
import { closeSync, constants, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeCause } from '../core/supervise-error.js';
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

interface FsExt {
  flockSync(fd: number, flags: 'shnb' | 'un'): void;
}

// fs-ext is a native addon kept outside the bundle; loading it on first use
// keeps `status` and the control verbs free of it.
const requireNative = createRequire(import.meta.url);
let fsExt: FsExt | null = null;

/**
 * Whether no supervise holds `lock`: a shared non-blocking flock succeeds only
 * when nobody holds it exclusively, and is dropped at once.
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
    fsExt ??= requireNative('fs-ext') as FsExt;
    fsExt.flockSync(fd, 'shnb');
    fsExt.flockSync(fd, 'un');
    return true;
  } catch (error) {
    if (hasErrorCode(error, 'EAGAIN') || hasErrorCode(error, 'EWOULDBLOCK')) return false;
    throw new CtlError('system', `unable to lock ${path}: ${describeCause(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}
