// The one error type of supervisectl: it carries the exit code of SPEC section
// 10 and the original cause; only src/bin maps it to process.exit.

import { EXIT_LOCK, EXIT_USAGE, SuperviseError } from '../core/supervise-error.js';

export { describeCause } from '../core/supervise-error.js';
export { EXIT_USAGE };
/** A single directory has no supervise running, and nothing else. */
export const EXIT_NOT_RUNNING = EXIT_LOCK;
/**
 * A single directory failed otherwise: stuck, or the system refused us
 * (EACCES on another user's status directory), so that a script never takes
 * a permission problem for "not running" and starts a second supervise.
 */
export const EXIT_ONE_FAILED = 1;
/** Failed directories are counted into the exit status up to this many. */
export const MAX_FAILED_EXIT = 99;

export type CtlErrorCode = 'usage' | 'not-running' | 'timeout' | 'system';

/** supervise's error type, with the kind of failure supervisectl counts and reports. */
export class CtlError extends SuperviseError {
  readonly code: CtlErrorCode;

  constructor(code: CtlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, code === 'usage' ? EXIT_USAGE : code === 'not-running' ? EXIT_NOT_RUNNING : EXIT_ONE_FAILED, options);
    this.name = 'CtlError';
    this.code = code;
  }
}

/** Whether a Node system error has this errno code (ENXIO, ENOENT, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}
