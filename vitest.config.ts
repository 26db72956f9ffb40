import { defineConfig } from 'vitest/config';

// Suites about per-service behaviour (SPEC sections 4-8, 11, 12, 15), which
// section 13 says supervise-scan gives every service: they run a second time
// with each service under supervise-scan (test/helpers/test-mode.ts).
const SCAN_MODE_SUITES = [
  'test/e2e/daemon/control.test.ts',
  'test/e2e/daemon/restart.test.ts',
  'test/e2e/daemon/stop-timeout.test.ts',
  'test/e2e/daemon/status-files.test.ts',
  'test/e2e/daemon/service-lifecycle-restart.test.ts',
  'test/e2e/daemon/service-lifecycle-stop-ready.test.ts',
  'test/e2e/daemon/service-settings.test.ts',
  'test/e2e/daemon/piped-output.test.ts',
  'test/e2e/daemon/config-reload.test.ts',
  'test/e2e/alarm/daemon-alarms.test.ts',
  'test/e2e/alarm/expected-exits.test.ts',
  'test/e2e/ctl/supervisectl.test.ts',
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
