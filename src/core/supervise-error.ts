// One error type for everything that ends supervise before it supervises: a
// stable code that scripts and tests may rely on, the exit status of SPEC
// section 1 that goes with it, and the original cause. The message is
// `unable to <verb> <path>: <reason>` without the program's name: only
// src/bin writes `supervise: ` in front and calls process.exit.
import { EXIT_COMMAND, EXIT_LOCK, EXIT_STATUS_DIR, EXIT_USAGE } from './exit-codes.js';

const EXIT_CODE_OF = {
  /** The command line, an argument's bytes or a SUPERVISE_ knob is wrong. */
  'bad-arguments': EXIT_USAGE,
  /** The status directory (or a FIFO in it) cannot be created or is not a directory. */
  'status-dir-unusable': EXIT_STATUS_DIR,
  /** Another supervise holds the lock. */
  'lock-held': EXIT_LOCK,
  /** The lock, a log file or __stdout/__stderr cannot be opened or set up. */
  'file-unusable': EXIT_LOCK,
  /** The command's executable (or the -r hook's) is not found or not executable. */
  'command-unrunnable': EXIT_COMMAND,
} as const satisfies Record<string, number>;

export type SuperviseErrorCode = keyof typeof EXIT_CODE_OF;

/** The shape of supervise's and supervisectl's errors: a stable code and the exit status it means. */
export abstract class CodedError<Code extends string> extends Error {
  readonly code: Code;
  readonly exitCode: number;

  protected constructor(code: Code, exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class SuperviseError extends CodedError<SuperviseErrorCode> {
  override readonly name = 'SuperviseError';

  constructor(code: SuperviseErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, EXIT_CODE_OF[code], message, options);
  }
}

/** The reason of a Node system error without its stack: "EACCES: permission denied". */
export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // Only Node's own codes (ENOENT, ERR_...); ours ('lock-held') are not part of the reason.
    if (typeof code !== 'string' || !/^E[A-Z0-9_]+$/.test(code)) return error.message;
    // Node appends the syscall, and the path when there is one: "..., open '/x'", "..., write".
    const message = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+(?: '.*')?$/, '');
    return `${code}: ${message}`;
  }
  return String(error);
}
