// How one directory fared, and the exit status of a run over many (SPEC
// section 10): 0 when all reached their state, else the number that failed
// (at most 99), or 111 when the only directory has no supervise running
// (and only then: a directory we may not read is a failure, not "not running").
import { EXIT_NOT_RUNNING, EXIT_ONE_FAILED, EXIT_SUCCESS, MAX_FAILED_EXIT } from '../core/exit-codes.js';
import { describeCause } from '../core/supervise-error.js';
import type { CtlContext } from './ctl-context.js';
import { CtlError, type CtlErrorCode } from './ctl-error.js';

export type DirOutcome = { readonly ok: true } | { readonly ok: false; readonly code: CtlErrorCode };

export const SUCCEEDED: DirOutcome = { ok: true };
export const NOT_RUNNING: DirOutcome = { ok: false, code: 'not-running' };

/**
 * Reports an error that ended one directory's work and says how it counts.
 * `DIR: supervise not running` and `DIR: still up ...` name their directory
 * first, as svstat does; a system error is supervisectl's own
 * `unable to <verb> <path>: <reason>`, which src/bin prefixes with its name.
 */
export function reportFailure(error: unknown, context: Pick<CtlContext, 'writeErr' | 'complain'>): DirOutcome {
  if (!(error instanceof CtlError)) {
    context.complain(describeCause(error));
    return { ok: false, code: 'system' };
  }
  if (error.code === 'system') context.complain(error.message);
  else context.writeErr(`${error.message}\n`);
  return { ok: false, code: error.code };
}

export function exitCodeOf(outcomes: readonly DirOutcome[]): number {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length === 0) return EXIT_SUCCESS;
  if (outcomes.length === 1) {
    const only = failed[0];
    return !only.ok && only.code === 'not-running' ? EXIT_NOT_RUNNING : EXIT_ONE_FAILED;
  }
  return Math.min(failed.length, MAX_FAILED_EXIT);
}
