// The one error type of supervisectl: it carries the exit code of SPEC section
// 10 and the original cause; only src/bin maps it to process.exit.

export const EXIT_USAGE = 100;
/** A single directory has no supervise running, or the system refused us. */
export const EXIT_NOT_RUNNING = 111;
/** Failed directories are counted into the exit status up to this many. */
export const MAX_FAILED_EXIT = 99;

export type CtlErrorCode = 'usage' | 'not-running' | 'timeout' | 'system';

export class CtlError extends Error {
  readonly code: CtlErrorCode;
  readonly exitCode: number;

  constructor(code: CtlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CtlError';
    this.code = code;
    this.exitCode = code === 'usage' ? EXIT_USAGE : code === 'timeout' ? 1 : EXIT_NOT_RUNNING;
  }
}

/** The reason of a Node system error without its stack: "ENOENT: no such file or directory". */
export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return typeof code === 'string' ? `${code}: ${message}` : message;
  }
  return String(error);
}

/** Whether a Node system error has this errno code (ENXIO, ENOENT, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}
