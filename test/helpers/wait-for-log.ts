// Waits for a line in supervise.log or supervise.log.wf. The daemon may write
// its first lines only after supervise has returned (its log files open once
// the service runs), so a test reads the log by waiting for what it expects.
import { readLog } from './supervise-process.js';
import { waitFor } from './wait-for.js';

/** Resolves with the whole file once it contains `expected`. */
export function waitForLog(
  dir: string,
  expected: string | RegExp,
  file: 'supervise.log' | 'supervise.log.wf' = 'supervise.log',
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    () => {
      const text = readLog(dir, file);
      return (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) ? text : undefined;
    },
    { what: `${String(expected)} in ${file}`, timeoutMs },
  );
}
