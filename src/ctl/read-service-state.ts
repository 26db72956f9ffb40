// The state of one status directory as files show it: the 20-byte `status`
// (the compatible truth), `status.json` when readable, and whether a
// supervise runs there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus, type Status } from '../codec/status-codec.js';
import { STATUS_JSON_FILE, type StatusJson } from '../codec/status-json.js';
import { CtlError, describeCause } from './ctl-error.js';
import { isLockFree, isSuperviseRunning } from './probe-supervise.js';

export interface ServiceState {
  readonly running: boolean;
  /** Probed only when asked for and no supervise runs; otherwise null. */
  readonly lockFree: boolean | null;
  readonly status: Status;
  readonly json: StatusJson | null;
}

export function readStatusFile(dir: string): Status {
  const path = join(dir, 'status');
  try {
    return decodeStatus(readFileSync(path));
  } catch (error) {
    throw new CtlError('system', `unable to read ${path}: ${describeCause(error)}`, { cause: error });
  }
}

/** status.json is beyond the compatible files: missing or unreadable is not an error. */
export function readStatusJson(dir: string): StatusJson | null {
  try {
    return JSON.parse(readFileSync(join(dir, STATUS_JSON_FILE), 'utf8')) as StatusJson;
  } catch {
    return null;
  }
}

export function readServiceState(dir: string, options: { probeLock?: boolean; withJson?: boolean } = {}): ServiceState {
  const running = isSuperviseRunning(dir);
  return {
    running,
    lockFree: options.probeLock === true && !running ? isLockFree(dir) : null,
    status: readStatusFile(dir),
    json: options.withJson === true ? readStatusJson(dir) : null,
  };
}
