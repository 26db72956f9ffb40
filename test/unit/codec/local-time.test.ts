import { describe, expect, it } from 'vitest';
import { formatLocalTime } from '../../../src/codec/local-time.js';

// Dates are built from local fields, so the expected text holds in any TZ.
describe('formatLocalTime', () => {
  it('writes the SPEC section 8 example', () => {
    expect(formatLocalTime(new Date(2026, 10, 21, 15, 51, 21).getTime())).toBe('2026-11-21 15:51:21');
  });

  it('zero-pads every field', () => {
    expect(formatLocalTime(new Date(2027, 0, 2, 3, 4, 5).getTime())).toBe('2027-01-02 03:04:05');
    const earlyYear = new Date(2026, 0, 1, 0, 0, 0);
    earlyYear.setFullYear(987);
    expect(formatLocalTime(earlyYear.getTime())).toBe('0987-01-01 00:00:00');
  });

  it('drops the milliseconds rather than rounding them up', () => {
    expect(formatLocalTime(new Date(2026, 10, 21, 15, 51, 21, 999).getTime())).toBe('2026-11-21 15:51:21');
  });
});
