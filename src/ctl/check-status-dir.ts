// A DIR argument must be a status directory a supervise has set up (SPEC
// section 3); anything else is a usage error naming the path, so a typo never
// creates files or hangs on a FIFO nobody reads.
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CtlError, describeCause, hasErrorCode } from './ctl-error.js';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return null;
    throw new CtlError('system', `unable to stat ${path}: ${describeCause(error)}`, { cause: error });
  }
}

function notStatusDir(dir: string, reason: string): CtlError {
  return new CtlError('usage', `unable to use ${dir}: not a status directory (${reason})`);
}

export function assertStatusDir(dir: string): void {
  const stats = statOrNull(dir);
  if (stats === null) throw notStatusDir(dir, 'it does not exist');
  if (!stats.isDirectory()) throw notStatusDir(dir, 'it is not a directory');
  const status = statOrNull(join(dir, 'status'));
  if (status === null || !status.isFile()) throw notStatusDir(dir, 'no status file');
  const control = statOrNull(join(dir, 'control'));
  if (control === null || !control.isFIFO()) throw notStatusDir(dir, 'no control FIFO');
}
