// Whether an observed state is the one `--wait` waits for, and what to say
// when it never came (SPEC section 10). Pure: the polling is wait-for-state.ts.
import type { StatusJson } from '../codec/status-json.js';
import type { WaitTarget } from './control-actions.js';
import { describePid, labelOf, type StatusView } from './format-status-line.js';

export type ObservedState = StatusView & {
  /** Whether the `lock` is free; null when it was not probed. */
  readonly lockFree: boolean | null;
  /**
   * status.json, read for the targets that wait for readiness (SPEC section 15), and for `down`, for its
   * kill_mode: under `process`, down is the pid gone, as in the C supervise. Null or absent when not read.
   */
  readonly json?: Partial<Pick<StatusJson, 'pid' | 'ready' | 'readyTimedOut' | 'killMode'>> | null;
  /** The service's processes (SPEC section 11), looked at for `down`; undefined or null when not known. */
  readonly processes?: readonly number[] | null;
};

/** reached; waiting: may still come; lost: supervise went away, so it never will; not-ready: ready_timeout passed. */
export type Verdict = 'reached' | 'waiting' | 'lost' | 'not-ready';

function leftOf(state: ObservedState): readonly number[] {
  return state.json?.killMode === 'process' ? [] : (state.processes ?? []);
}

export function judgeState(target: WaitTarget, previousPid: number, state: ObservedState): Verdict {
  // No status at all: supervise never got as far as starting the service.
  const pid = state.status?.pid ?? 0;
  switch (target) {
    case 'none':
      return 'reached';
    case 'up':
      if (!state.running) return 'lost';
      return pid !== 0 ? judgeReady(pid, state) : 'waiting';
    case 'new-pid':
      if (!state.running) return 'lost';
      return pid !== 0 && pid !== previousPid ? judgeReady(pid, state) : 'waiting';
    case 'down':
      // supervise writes pid 0 as its last status, so a supervise that exited
      // after stopping the service still counts as down; down means every
      // process of the service gone, not just its pid (SPEC section 10).
      if (pid === 0 && leftOf(state).length === 0) return 'reached';
      return state.running ? 'waiting' : 'lost';
    case 'gone':
      // The lock outlives the ok FIFO by a moment while supervise exits; a new
      // supervise can start only once the lock is free.
      return !state.running && state.lockFree === true ? 'reached' : 'waiting';
  }
}

/**
 * A service with ready_fd is up once it says it is ready; status.json tells.
 * Without status.json, or from a supervise that writes no `ready`, up is ready.
 */
function judgeReady(pid: number, state: ObservedState): Verdict {
  const json = state.json;
  if (json === undefined || json === null || json.ready === undefined) return 'reached';
  // status is renamed into place just before status.json: wait for the json of this pid.
  if (json.pid !== pid) return 'waiting';
  if (json.ready) return 'reached';
  return json.readyTimedOut === true ? 'not-ready' : 'waiting';
}

/** Whether status.json shows the service up but not (yet) ready. */
function isUpNotReady(state: ObservedState): boolean {
  const pid = state.status?.pid ?? 0;
  return pid !== 0 && state.json?.pid === pid && state.json.ready === false;
}

/** e.g. `status/x: up (pid 1234) but not ready within its ready_timeout, wanted up and ready`. */
export function describeNotReady(dir: string, state: ObservedState): string {
  return `${labelOf(dir)}: ${describePid(state.status?.pid ?? 0)} but not ready within its ready_timeout, wanted up and ready`;
}

const WANTED: Readonly<Record<WaitTarget, string>> = {
  none: 'the write',
  up: 'up',
  down: 'down',
  'new-pid': 'a new pid',
  gone: 'supervise gone',
};

/** e.g. `status/x: still up (pid 1234) after 1 s, wanted down`. */
export function describeStuck(dir: string, target: WaitTarget, state: ObservedState, waitSeconds: number): string {
  const label = labelOf(dir);
  const pid = state.status?.pid ?? 0;
  const left = leftOf(state);
  const service =
    describePid(pid) +
    (state.status?.paused === true && pid !== 0 ? ', paused' : '') +
    (isUpNotReady(state) ? ', not ready' : '') +
    (pid === 0 && left.length > 0 ? ` with processes ${left.join(' ')} left` : '');
  const current =
    target !== 'gone'
      ? service
      : state.running
        ? `supervised, service ${service}`
        : 'holding the lock';
  return `${label}: still ${current} after ${waitSeconds} s, wanted ${WANTED[target]}`;
}

/** Said when supervise exited while we waited for the service. */
export function describeLost(dir: string, target: WaitTarget): string {
  return `${labelOf(dir)}: supervise not running, wanted ${WANTED[target]}`;
}
