import { describe, expect, it } from 'vitest';
import { graceMs, judgeExit } from '../../../src/core/expected-exit.js';

const clean = (at: number) => ({ coreDumped: false, at });
const dumped = (at: number) => ({ coreDumped: true, at });

describe('judgeExit', () => {
  it.each([
    // signalledAt, wantDown, stop_timeout, exit, expected
    [null, false, 0, clean(1000), false],
    [0, false, 0, clean(1000), true],
    [0, false, 0, clean(5000), true],
    [0, false, 0, clean(5001), false],
    [0, false, 0, clean(6000), false],
    [0, false, 10, clean(8000), true],
    [0, false, 10, clean(11_000), false],
    [0, false, 0, dumped(100), false],
    [0, true, 0, dumped(100), false],
    [0, true, 0, clean(600_000), true],
    [0, true, 3, clean(600_000), true],
    [null, true, 0, clean(100), false],
  ] as const)('signalled at %s, want down %s, stop_timeout %s, exit %o: expected %s', (signalledAt, wantDown, stopTimeoutSeconds, exit, expected) => {
    expect(judgeExit({ signalledAt, wantDown, stopTimeoutSeconds }, exit).expected).toBe(expected);
  });

  it('says why a signalled exit is not taken as expected', () => {
    expect(judgeExit({ signalledAt: 0, wantDown: false, stopTimeoutSeconds: 0 }, dumped(3000))).toEqual({ expected: false, why: 'dumped core' });
    expect(judgeExit({ signalledAt: 1000, wantDown: false, stopTimeoutSeconds: 0 }, clean(7000))).toEqual({
      expected: false,
      why: '6.0 s after the signal (grace 5 s)',
    });
    expect(judgeExit({ signalledAt: null, wantDown: false, stopTimeoutSeconds: 0 }, dumped(3000))).toEqual({ expected: false, why: null });
  });

  it('uses the grace of SPEC section 11: stop_timeout when above 0, else 5 s', () => {
    expect(graceMs(0)).toBe(5000);
    expect(graceMs(10)).toBe(10_000);
    expect(graceMs(1)).toBe(1000);
  });
});
