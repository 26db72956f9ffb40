import { describe, expect, it } from 'vitest';
import { escapeLogMessage, formatLogLine, formatLogTime } from '../../../src/log/log-line-format.js';

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

  it('zero-pads every field of the local time', () => {
    expect(formatLogTime(new Date(2027, 0, 2, 3, 4, 5))).toBe('2027-01-02 03:04:05');
    const earlyYear = new Date(2026, 0, 1, 0, 0, 0);
    earlyYear.setFullYear(987);
    expect(formatLogTime(earlyYear)).toBe('0987-01-01 00:00:00');
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

describe('escapeLogMessage', () => {
  it.each([
    ['tab', 'a\tb', 'a\\tb'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['ESC of a terminal sequence', '\u001b[31mred', '\\x1b[31mred'],
    ['DEL', '\u007f', '\\x7f'],
    ['C1 next-line', 'a\u0085b', 'a\\x85b'],
    ['C1 CSI', '\u009b2J', '\\x9b2J'],
    ['Unicode line separator', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('escapes %s', (_name, message, expected) => {
    expect(escapeLogMessage(message)).toBe(expected);
  });

  it('leaves printable text, non-ASCII and backslashes as they are', () => {
    const message = 'exited with code 3 (C:\\path) 服务 é ~';
    expect(escapeLogMessage(message)).toBe(message);
  });
});
