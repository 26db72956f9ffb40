// Which supervisor the e2e suites run against (issue 11: the same suites
// against both modes). SUPERVISE_TEST_MODE=scan, set by the `scan-mode`
// vitest project, runs each service under supervise-scan instead of a
// supervise of its own.
import { it, TestRunner } from 'vitest';

export const SCAN_MODE = process.env.SUPERVISE_TEST_MODE === 'scan';

/** The differences SPEC section 13 makes, as skip reasons. */
export const SCAN_DIFFERS = {
  x: 'under supervise-scan x ends that service\'s supervision, not the process (SPEC section 13)',
  gaveUp: 'under supervise-scan giving up ends that service\'s supervision, not the process (SPEC section 13)',
  session: 'under supervise-scan each service has a session of its own, not supervise\'s (SPEC section 13)',
  foreground: 'supervise-scan runs in the foreground: its stdio is the caller\'s, not /dev/null (SPEC section 13)',
  runScript: 'under supervise-scan the command is SCANDIR/NAME/run (SPEC section 13)',
  statusDir: 'under supervise-scan the status directory is SCANDIR/NAME/supervise, not a path of the caller\'s (SPEC section 13)',
} as const;

/**
 * `it`, but skipped in scan mode. `reason` names what SPEC section 13 says
 * differs under supervise-scan, so the skip says why it is not a bug.
 */
export function itUnlessScan(reason: string): ReturnType<typeof it.skipIf> {
  if (!reason) throw new Error('itUnlessScan needs the SPEC difference as its reason');
  return it.skipIf(SCAN_MODE);
}

/**
 * Skips the running test in scan mode, with `reason` in the report; nothing otherwise.
 * Call it before the test starts anything: vitest runs no onTestFinished after a dynamic skip.
 */
export function skipInScanMode(reason: string): void {
  if (!SCAN_MODE) return;
  const test = TestRunner.getCurrentTest();
  if (!test) throw new Error(`not applicable under supervise-scan (${reason}), and called outside a test`);
  test.context.skip(`not applicable under supervise-scan: ${reason}`);
}
