// `supervisectl check DIR...`: the svok test, silent when a supervise runs.
import type { CtlContext } from './ctl-context.js';
import { reportFailure, NOT_RUNNING, SUCCEEDED, type DirOutcome } from './dir-outcome.js';
import { labelOf } from './format-status-line.js';
import { isSuperviseRunning } from './probe-supervise.js';

export function runCheck(dirs: readonly string[], context: CtlContext): DirOutcome[] {
  return dirs.map((dir) => {
    try {
      if (isSuperviseRunning(dir)) return SUCCEEDED;
      context.writeErr(`${labelOf(dir)}: supervise not running\n`);
      return NOT_RUNNING;
    } catch (error) {
      return reportFailure(error, context);
    }
  });
}
