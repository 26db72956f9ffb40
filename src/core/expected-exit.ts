// Whether an exit is one supervise caused (SPEC section 4: no alarm, not
// counted). A signal from supervise only explains an exit that follows it
// soon and cleanly: a service that catches TERM and crashes later, or dumps
// core on the way out, failed, and the failure must be alarmed and counted.

/** The grace of SPEC section 11 when stop_timeout is 0. */
export const DEFAULT_GRACE_SECONDS = 5;

/** The grace of SPEC section 11: stop_timeout seconds when above 0, else 5 s. */
export function graceMs(stopTimeoutSeconds: number): number {
  return (stopTimeoutSeconds > 0 ? stopTimeoutSeconds : DEFAULT_GRACE_SECONDS) * 1000;
}

export interface ExitExpectation {
  /** Unix ms of the last signal that was meant to end the service (d t i k, supervise's own TERM); null when none. */
  signalledAt: number | null;
  /** Want down at the exit (`d` or supervise's own TERM, not undone by `u` or `o`). */
  wantDown: boolean;
  stopTimeoutSeconds: number;
}

export type ExitVerdict =
  | { expected: true }
  /** `why` is set when supervise had signalled the service but does not take the exit as its doing. */
  | { expected: false; why: string | null };

export function judgeExit(expectation: ExitExpectation, exit: { coreDumped: boolean; at: number }): ExitVerdict {
  const { signalledAt } = expectation;
  if (signalledAt === null) return { expected: false, why: null };
  // No signal supervise sends dumps core: a core dump is the service's own failure.
  if (exit.coreDumped) return { expected: false, why: 'dumped core' };
  // With want down the operator asked for the stop and nothing is restarted:
  // a clean exit that was slow to come is still the stop they asked for, and
  // stop_timeout (when set) is what bounds how slow it may be.
  if (expectation.wantDown) return { expected: true };
  // After t, i or k the service is restarted; an exit long after the signal is
  // a later failure of a service that survived it.
  const grace = graceMs(expectation.stopTimeoutSeconds);
  const after = exit.at - signalledAt;
  if (after <= grace) return { expected: true };
  return { expected: false, why: `${(after / 1000).toFixed(1)} s after the signal (grace ${grace / 1000} s)` };
}
