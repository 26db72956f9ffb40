// How one directory fared, and the exit status of a run over many (SPEC
// section 10): 0 when all reached their state, else the number that failed
// (at most 99), or 111 when the only directory has no supervise running.
import { CtlError, describeCause, EXIT_NOT_RUNNING, MAX_FAILED_EXIT, type CtlErrorCode } from './ctl-error.js';

export type DirOutcome = { readonly ok: true } | { readonly ok: false; readonly code: CtlErrorCode };

export const SUCCEEDED: DirOutcome = { ok: true };
export const NOT_RUNNING: DirOutcome = { ok: false, code: 'not-running' };

/** The outcome and the line to print for an error that ended one directory's work. */
export function failureOf(error: unknown): { outcome: DirOutcome; message: string } {
  if (error instanceof CtlError) return { outcome: { ok: false, code: error.code }, message: error.message };
  return { outcome: { ok: false, code: 'system' }, message: describeCause(error) };
}

export function exitCodeOf(outcomes: readonly DirOutcome[]): number {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length === 0) return 0;
  if (outcomes.length === 1) {
    const only = failed[0];
    return !only.ok && only.code === 'not-running' ? EXIT_NOT_RUNNING : 1;
  }
  return Math.min(failed.length, MAX_FAILED_EXIT);
}
