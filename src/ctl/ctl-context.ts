// What the verbs need from the process, passed in so that only src/bin
// touches process.stdout, signals and exit.
export interface CtlContext {
  readonly writeOut: (data: string | Uint8Array) => void;
  readonly writeErr: (text: string) => void;
  /** One line of supervisectl's own (`unable to ...`) to stderr; src/bin puts `supervisectl: ` in front. */
  readonly complain: (message: string) => void;
  /** Unix milliseconds. */
  readonly now: () => number;
  /** Aborted on SIGINT/SIGTERM; ends `logs -f`. */
  readonly signal: AbortSignal;
}
