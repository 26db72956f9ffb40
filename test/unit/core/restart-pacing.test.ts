import { describe, expect, it } from 'vitest';
import { MIN_START_INTERVAL_MS, nextStartAt } from '../../../src/core/restart-pacing.js';

const T0 = 1_763_740_281_000;

describe('nextStartAt', () => {
  it('starts at once the first time', () => {
    expect(nextStartAt(null, T0)).toBe(T0);
  });

  it('restarts a service that died at once 1 s after its previous start', () => {
    expect(MIN_START_INTERVAL_MS).toBe(1000);
    expect(nextStartAt(T0, T0)).toBe(T0 + 1000);
    expect(nextStartAt(T0, T0 + 10)).toBe(T0 + 1000);
    expect(nextStartAt(T0, T0 + 999)).toBe(T0 + 1000);
  });

  it('restarts one that ran a second or longer now', () => {
    expect(nextStartAt(T0, T0 + 1000)).toBe(T0 + 1000);
    expect(nextStartAt(T0, T0 + 3_600_000)).toBe(T0 + 3_600_000);
  });

  it('takes another minimum interval', () => {
    expect(nextStartAt(T0, T0 + 100, 250)).toBe(T0 + 250);
    expect(nextStartAt(T0, T0 + 300, 250)).toBe(T0 + 300);
  });

  it('waits no longer than the interval when the clock went back', () => {
    expect(nextStartAt(T0, T0 - 3_600_000)).toBe(T0 - 3_600_000 + 1000);
  });
});
