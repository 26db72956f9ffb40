// The one error type of supervisectl: a stable code (which also decides how a
// directory counts in the exit status, SPEC section 10) and the original
// cause. Messages carry no program name: src/bin adds `supervisectl: `.
import { EXIT_NOT_RUNNING, EXIT_ONE_FAILED, EXIT_USAGE } from '../core/exit-codes.js';
import { CodedError } from '../core/supervise-error.js';

export type CtlErrorCode = 'usage' | 'not-running' | 'timeout' | 'system';

const EXIT_CODE_OF: Readonly<Record<CtlErrorCode, number>> = {
  usage: EXIT_USAGE,
  'not-running': EXIT_NOT_RUNNING,
  timeout: EXIT_ONE_FAILED,
  system: EXIT_ONE_FAILED,
};

export class CtlError extends CodedError<CtlErrorCode> {
  override readonly name = 'CtlError';

  constructor(code: CtlErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, EXIT_CODE_OF[code], message, options);
  }
}

/** Whether a Node system error has this errno code (ENXIO, ENOENT, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}
