import { defineConfig } from 'vitest/config';

// Suites about per-service behaviour (SPEC sections 4-8, 11, 12, 15), which
// section 13 says supervise-scan gives every service: they run a second time
// with each service under supervise-scan (test/helpers/test-mode.ts).
const SCAN_MODE_SUITES = [
  'test/e2e/daemon/control.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    // End-to-end files mostly wait on real processes and one-second pacing, so
    // more files than cores can run at once.
    maxWorkers: 4,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'scan-mode', include: SCAN_MODE_SUITES, env: { SUPERVISE_TEST_MODE: 'scan' } } },
    ],
  },
});
