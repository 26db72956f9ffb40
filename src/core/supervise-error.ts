// One error type for everything that ends supervise before it supervises:
// it carries the exit code of SPEC section 1 and the original cause; only
// src/bin maps it to process.exit.

export const EXIT_USAGE = 100;
export const EXIT_STATUS_DIR = 110;
export const EXIT_LOCK = 111;
export const EXIT_COMMAND = 112;
/** supervise gave up after too many exits in one alarm window (SPEC section 5). */
export const EXIT_GAVE_UP = 1;

export class SuperviseError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SuperviseError';
    this.exitCode = exitCode;
  }
}

/** The reason of a Node system error without its stack: "EACCES: permission denied". */
export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') return error.message;
    // Node appends the syscall, and the path when there is one: "..., open '/x'", "..., write".
    const message = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+(?: '.*')?$/, '');
    return `${code}: ${message}`;
  }
  return String(error);
}
