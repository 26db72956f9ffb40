// Which supervisor the e2e suites run against (issue 11: the same suites
// against both modes). SUPERVISE_TEST_MODE=scan, set by the `scan-mode`
// vitest project, runs each service under supervise-scan instead of a
// supervise of its own.
import { it, TestRunner } from 'vitest';

export const SCAN_MODE = process.env.SUPERVISE_TEST_MODE === 'scan';

/**
 * `it`, but skipped in scan mode. `reason` names what SPEC section 13 says
 * differs under supervise-scan, so the skip says why it is not a bug.
 */
export function itUnlessScan(reason: string): ReturnType<typeof it.skipIf> {
  if (!reason) throw new Error('itUnlessScan needs the SPEC difference as its reason');
  return it.skipIf(SCAN_MODE);
}

/** Skips the running test in scan mode, with `reason` in the report; nothing otherwise. */
export function skipInScanMode(reason: string): void {
  if (!SCAN_MODE) return;
  const test = TestRunner.getCurrentTest();
  if (!test) throw new Error(`not applicable under supervise-scan (${reason}), and called outside a test`);
  test.context.skip(`not applicable under supervise-scan: ${reason}`);
}
