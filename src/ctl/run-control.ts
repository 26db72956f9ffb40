// The verbs that write into `control`: start, stop, restart, ... alarm on|off,
// reload; with --wait, waiting until each directory reaches its state.
import type { CtlContext } from './ctl-context.js';
import { reportFailure, SUCCEEDED, type DirOutcome } from './dir-outcome.js';
import { readStatusFileOrNull } from './read-service-state.js';
import { sendControl } from './send-control.js';
import type { WaitTarget } from './control-actions.js';
import { waitForState } from './wait-for-state.js';

export interface ControlRequest {
  readonly letters: string;
  readonly target: WaitTarget;
  /** null: write and return without waiting. */
  readonly waitSeconds: number | null;
}

async function controlOne(dir: string, request: ControlRequest): Promise<void> {
  const waiting = request.waitSeconds !== null && request.target !== 'none';
  // No status yet: supervise never started the service, so any pid is new.
  const previousPid = waiting ? (readStatusFileOrNull(dir)?.pid ?? 0) : 0;
  sendControl(dir, request.letters);
  if (waiting) {
    await waitForState(dir, { target: request.target, previousPid, timeoutSeconds: request.waitSeconds ?? 0 });
  }
}

export async function runControl(dirs: readonly string[], request: ControlRequest, context: CtlContext): Promise<DirOutcome[]> {
  // Every directory is written at once and waited for side by side, so ten
  // stuck services cost one timeout, not ten.
  const settled = await Promise.allSettled(dirs.map((dir) => controlOne(dir, request)));
  return settled.map((result) => {
    if (result.status === 'fulfilled') return SUCCEEDED;
    return reportFailure(result.reason, context);
  });
}
