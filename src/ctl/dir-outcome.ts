// How one directory fared, and the exit status of a run over many (SPEC
// section 10): 0 when all reached their state, else the number that failed
// (at most 99), or 111 when the only directory has no supervise running
// (and only then: a directory we may not read is a failure, not "not running").
import { CtlError, describeCause, EXIT_NOT_RUNNING, EXIT_ONE_FAILED, MAX_FAILED_EXIT, type CtlErrorCode } from './ctl-error.js';

export type DirOutcome = { readonly ok: true } | { readonly ok: false; readonly code: CtlErrorCode };

export const SUCCEEDED: DirOutcome = { ok: true };
export const NOT_RUNNING: DirOutcome = { ok: false, code: 'not-running' };

/**
 * The outcome and the line to print for an error that ended one directory's
 * work. `DIR: supervise not running` and `DIR: still up ...` name their
 * directory first, as svstat does; a system error is supervisectl's own
 * `unable to <verb> <path>: <reason>`.
 */
export function failureOf(error: unknown): { outcome: DirOutcome; message: string } {
  if (error instanceof CtlError) {
    return { outcome: { ok: false, code: error.code }, message: error.code === 'system' ? `supervisectl: ${error.message}` : error.message };
  }
  return { outcome: { ok: false, code: 'system' }, message: `supervisectl: ${describeCause(error)}` };
}

export function exitCodeOf(outcomes: readonly DirOutcome[]): number {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length === 0) return 0;
  if (outcomes.length === 1) {
    const only = failed[0];
    return !only.ok && only.code === 'not-running' ? EXIT_NOT_RUNNING : EXIT_ONE_FAILED;
  }
  return Math.min(failed.length, MAX_FAILED_EXIT);
}
