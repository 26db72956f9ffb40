// Polls a status directory until --wait's target is reached or the deadline
// passes (SPEC section 10). Time and sleep come in so tests could drive them.
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { WaitTarget } from './control-actions.js';
import { CtlError } from './ctl-error.js';
import { readServiceState, type ServiceState } from './read-service-state.js';
import { describeLost, describeNotReady, describeStuck, judgeState } from './wait-target.js';

export interface WaitForStateOptions {
  readonly target: WaitTarget;
  /** The service pid before the write, for `new-pid`. */
  readonly previousPid: number;
  readonly timeoutSeconds: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly read?: (dir: string) => ServiceState;
}

// s6-svwait would be woken by events; status has none, and 50 ms is well below
// what a person notices while costing next to nothing.
const DEFAULT_INTERVAL_MS = 50;

export async function waitForState(dir: string, options: WaitForStateOptions): Promise<ServiceState> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const withJson = options.target === 'up' || options.target === 'new-pid';
  const read =
    options.read ??
    ((path: string) => readServiceState(path, { probeLock: options.target === 'gone', withJson, withProcesses: options.target === 'down' }));
  const deadline = now() + options.timeoutSeconds * 1000;
  for (;;) {
    const state = read(dir);
    const verdict = judgeState(options.target, options.previousPid, state);
    if (verdict === 'reached') return state;
    if (verdict === 'lost') throw new CtlError('not-running', describeLost(dir, options.target));
    if (verdict === 'not-ready') throw new CtlError('timeout', describeNotReady(dir, state));
    if (now() >= deadline) {
      throw new CtlError('timeout', describeStuck(dir, options.target, state, options.timeoutSeconds));
    }
    await sleep(Math.min(options.intervalMs ?? DEFAULT_INTERVAL_MS, Math.max(1, deadline - now())));
  }
}
