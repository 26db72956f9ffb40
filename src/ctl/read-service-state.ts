// The state of one status directory as files show it: the 20-byte `status`
// (the compatible truth), `status.json` when readable, and whether a
// supervise runs there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus, type Status } from '../codec/status-codec.js';
import { STATUS_JSON_FILE, type StatusJson } from '../codec/status-json.js';
import { describeCause } from '../core/supervise-error.js';
import { CtlError, hasErrorCode } from './ctl-error.js';
import { isLockFree, isSuperviseRunning } from './probe-supervise.js';
import { readServiceProcesses } from './service-processes.js';

interface ServiceStateFields {
  /** Probed only when asked for and no supervise runs; otherwise null. */
  readonly lockFree: boolean | null;
  readonly json: StatusJson | null;
  /** The pids of the service's processes (SPEC section 11), when asked for and status.json names the session. */
  readonly processes?: readonly number[] | null;
}

/**
 * A running supervise has written `status` before anyone can reach it; one
 * whose first start failed never did, so `status` may be null only then.
 */
export type ServiceState = ServiceStateFields &
  ({ readonly running: true; readonly status: Status } | { readonly running: false; readonly status: Status | null });

export function readStatusFile(dir: string): Status {
  const path = join(dir, 'status');
  try {
    return decodeStatus(readFileSync(path));
  } catch (error) {
    throw new CtlError('system', `unable to read ${path}: ${describeCause(error)}`, { cause: error });
  }
}

/** null when supervise has not written `status`: its first start failed, or is under way. */
export function readStatusFileOrNull(dir: string): Status | null {
  try {
    return readStatusFile(dir);
  } catch (error) {
    if (error instanceof CtlError && hasErrorCode(error.cause, 'ENOENT')) return null;
    throw error;
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

export function readServiceState(
  dir: string,
  options: { probeLock?: boolean; withJson?: boolean; withProcesses?: boolean } = {},
): ServiceState {
  const json = options.withJson === true || options.withProcesses === true ? readStatusJson(dir) : null;
  const processes = options.withProcesses === true ? readServiceProcesses(json) : undefined;
  if (isSuperviseRunning(dir)) return { running: true, lockFree: null, status: readStatusFile(dir), json, processes };
  return {
    running: false,
    lockFree: options.probeLock === true ? isLockFree(dir) : null,
    status: readStatusFileOrNull(dir),
    json,
    processes,
  };
}
