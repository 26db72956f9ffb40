import { describe, expect, it } from 'vitest';
import {
  MIN_START_INTERVAL_MS,
  nextStartAt,
  operatorStartIntervalMs,
  restartIntervalAfterExit,
  type RestartDelaySettings,
} from '../../../src/core/restart-pacing.js';

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

describe('restartIntervalAfterExit: the delay sequence and its reset (restart_delay, restart_delay_max)', () => {
  /** The intervals after a series of exits, each after a run of the given ms. */
  function sequence(runs: number[], settings: RestartDelaySettings): number[] {
    const intervals: number[] = [];
    let previous: number | null = null;
    for (const run of runs) {
      previous = restartIntervalAfterExit(previous, run, settings);
      intervals.push(previous);
    }
    return intervals;
  }

  it.each([
    { name: 'defaults: one second every time (section 5)', settings: { restartDelay: 1, restartDelayMax: null }, runs: [0, 0, 0, 0], expected: [1000, 1000, 1000, 1000] },
    { name: 'no max: restart_delay every time, however short the runs', settings: { restartDelay: 3, restartDelayMax: null }, runs: [0, 0, 0], expected: [3000, 3000, 3000] },
    { name: 'a crash loop doubles up to the max and stays there', settings: { restartDelay: 1, restartDelayMax: 10 }, runs: [0, 0, 0, 0, 0, 0], expected: [1000, 2000, 4000, 8000, 10000, 10000] },
    { name: 'fractional delays double too', settings: { restartDelay: 0.25, restartDelayMax: 1 }, runs: [0, 0, 0, 0], expected: [250, 500, 1000, 1000] },
    { name: 'a run as long as the max resets to restart_delay', settings: { restartDelay: 1, restartDelayMax: 10 }, runs: [0, 0, 0, 10_000, 0], expected: [1000, 2000, 4000, 1000, 2000] },
    { name: 'a run just short of the max still doubles', settings: { restartDelay: 1, restartDelayMax: 10 }, runs: [0, 9_999], expected: [1000, 2000] },
    { name: 'a long first run starts at restart_delay', settings: { restartDelay: 2, restartDelayMax: 60 }, runs: [3_600_000], expected: [2000] },
  ])('$name', ({ settings, runs, expected }) => {
    expect(sequence(runs, settings)).toEqual(expected);
  });

  it('starts from restart_delay after a reset (previous null)', () => {
    expect(restartIntervalAfterExit(null, 0, { restartDelay: 5, restartDelayMax: 60 })).toBe(5000);
  });

  it('never goes below restart_delay when the settings changed under a running sequence', () => {
    expect(restartIntervalAfterExit(1000, 0, { restartDelay: 5, restartDelayMax: 60 })).toBe(10_000);
  });
});

describe('operatorStartIntervalMs: how long a `u` keeps from the last start', () => {
  it.each([
    [{ restartDelay: 1, restartDelayMax: null }, 1000],
    [{ restartDelay: 30, restartDelayMax: 300 }, 1000],
    [{ restartDelay: 0.2, restartDelayMax: null }, 200],
  ])('%o -> %i ms', (settings, expected) => {
    expect(operatorStartIntervalMs(settings)).toBe(expected);
  });
});
