// How many times the service exited since this supervise started, by the two
// things an SRE filters on: whether supervise caused the exit, and whether it
// dumped core. The four counts are disjoint, so each maps onto one series of
// supervise_service_exits_total{expected,coredump} (SPEC section 14).
import type { ServiceExit } from './types.js';

export interface ExitCounts {
  readonly expected: number;
  readonly unexpected: number;
  /** Of the expected exits, those with a core dump (counted here, not in `expected`). */
  readonly expectedCoreDumps: number;
  /** Of the unexpected exits, those with a core dump (counted here, not in `unexpected`). */
  readonly unexpectedCoreDumps: number;
}

export const NO_EXITS: ExitCounts = { expected: 0, unexpected: 0, expectedCoreDumps: 0, unexpectedCoreDumps: 0 };

export function countExit(counts: ExitCounts, exit: Pick<ServiceExit, 'expected' | 'coreDumped'>): ExitCounts {
  const key: keyof ExitCounts = exit.expected
    ? exit.coreDumped
      ? 'expectedCoreDumps'
      : 'expected'
    : exit.coreDumped
      ? 'unexpectedCoreDumps'
      : 'unexpected';
  return { ...counts, [key]: counts[key] + 1 };
}
