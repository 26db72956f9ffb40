import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../../src/log/log-line-format.js';

// Dates are built from local fields, so the expected text holds in any TZ.
const SPEC_EXAMPLE_TIME = new Date(2026, 10, 21, 15, 51, 21);

describe('formatLogLine', () => {
  it('writes the SPEC section 8 example byte for byte', () => {
    expect(formatLogLine('notice', 'service redis started, pid 1234', SPEC_EXAMPLE_TIME)).toBe(
      '[NOTICE] 2026-11-21 15:51:21 service redis started, pid 1234\n',
    );
  });

  it.each([
    ['warning', '[WARNING]'],
    ['fatal', '[FATAL]'],
  ] as const)('tags %s lines as %s', (level, tag) => {
    expect(formatLogLine(level, 'x', SPEC_EXAMPLE_TIME)).toBe(`${tag} 2026-11-21 15:51:21 x\n`);
  });

  it('keeps a message with newlines on one line so it cannot forge another entry', () => {
    const forged = 'bad config line\n[NOTICE] 2026-11-21 15:51:22 service redis started, pid 1\r\n';
    const line = formatLogLine('warning', forged, SPEC_EXAMPLE_TIME);
    expect(line).toBe(
      '[WARNING] 2026-11-21 15:51:21 bad config line\\n[NOTICE] 2026-11-21 15:51:22 service redis started, pid 1\\r\\n\n',
    );
    expect(line.split('\n')).toHaveLength(2);
  });
});
