// A DIR argument must be a status directory a supervise has set up (SPEC
// section 3); anything else is a usage error naming the path, so a typo never
// creates files or hangs on a FIFO nobody reads.
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { STATUS_JSON_FILE } from '../codec/status-json.js';
import { NOTICE_LOG_FILE, WARNING_LOG_FILE } from '../log/log-files.js';
import { describeCause } from '../core/supervise-error.js';
import { CtlError, hasErrorCode } from './ctl-error.js';

/**
 * What supervise creates before it writes `status`: a first start that failed
 * (the command gone, the daemon dead) leaves these and no `status`, and such
 * a directory is one whose supervise is not running, as svstat says.
 */
const SUPERVISE_FILES = ['lock', 'control', 'ok', NOTICE_LOG_FILE, WARNING_LOG_FILE, STATUS_JSON_FILE] as const;

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

/** Whether `path` is a status directory, as assertStatusDir judges it. */
export function isStatusDir(path: string): boolean {
  try {
    assertStatusDir(path);
    return true;
  } catch {
    return false;
  }
}

export function assertStatusDir(dir: string): void {
  const stats = statOrNull(dir);
  if (stats === null) throw notStatusDir(dir, 'it does not exist');
  if (!stats.isDirectory()) throw notStatusDir(dir, 'it is not a directory');
  const status = statOrNull(join(dir, 'status'));
  if (status !== null && !status.isFile()) throw notStatusDir(dir, 'status is not a file');
  // A regular file here (`echo d > control` with no supervise ever run) would
  // take our letters and say nothing.
  const control = statOrNull(join(dir, 'control'));
  if (control !== null && !control.isFIFO()) throw notStatusDir(dir, 'control is not a FIFO');
  // Supervise set it up: whether one runs there is for the verb to say.
  if (SUPERVISE_FILES.some((file) => statOrNull(join(dir, file)) !== null)) return;
  throw notStatusDir(dir, status === null ? 'no status file' : 'no control FIFO');
}
