import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import {
  currentWindow,
  decideOnExit,
  nextHookCount,
  type AlarmDecision,
  type AlarmLimits,
  type AlarmWindow,
} from '../../../src/core/alarm-policy.js';

const T0 = 1_763_740_281_000;
const CRASH = { expected: false, coreDumped: false };
const CORE = { expected: false, coreDumped: true };
const EXPECTED = { expected: true, coreDumped: false };
const LIMITS: AlarmLimits = { alarmInterval: 60, maxTries: 3, maxTriesIfCoredumped: 2 };

type Exit = { expected: boolean; coreDumped: boolean };

/** Feeds exits at the given seconds after T0 through the policy, as the machine does. */
function run(exits: [seconds: number, exit: Exit, silenced?: boolean][], limits = LIMITS): AlarmDecision[] {
  let window: AlarmWindow | null = null;
  return exits.map(([seconds, exit, silenced = false]) => {
    const decision = decideOnExit(window, exit, limits, silenced, T0 + seconds * 1000);
    window = decision.window;
    return decision;
  });
}

describe('decideOnExit: windows', () => {
  it('opens a window at the first unexpected exit and alarms for it', () => {
    expect(decideOnExit(null, CRASH, LIMITS, false, T0)).toEqual({
      window: { openedAt: T0, exits: 1, coreDumps: 0 },
      alarm: 'exit',
      sendAlarm: true,
      giveUp: null,
    });
  });

  it('counts later exits in the same window without alarming', () => {
    const [, second, third] = run([[0, CRASH], [10, CRASH], [59, CORE]]);
    expect(second).toEqual({ window: { openedAt: T0, exits: 2, coreDumps: 0 }, alarm: null, sendAlarm: false, giveUp: null });
    expect(third.window).toEqual({ openedAt: T0, exits: 3, coreDumps: 1 });
    expect(third.sendAlarm).toBe(false);
  });

  it('keeps a fixed length from the first exit: later exits do not extend it', () => {
    const decisions = run([[0, CRASH], [50, CRASH], [59.999, CRASH], [60, CRASH]]);
    expect(decisions[2].window).toEqual({ openedAt: T0, exits: 3, coreDumps: 0 });
    // At exactly 60 s the window has expired: a new one opens and alarms.
    expect(decisions[3]).toMatchObject({ window: { openedAt: T0 + 60_000, exits: 1, coreDumps: 0 }, alarm: 'exit' });
  });

  it('reports the window while open and null once expired, for status.json', () => {
    const window = { openedAt: T0, exits: 2, coreDumps: 1 };
    expect(currentWindow(window, LIMITS, T0)).toBe(window);
    expect(currentWindow(window, LIMITS, T0 + 59_999)).toBe(window);
    expect(currentWindow(window, LIMITS, T0 + 60_000)).toBeNull();
    expect(currentWindow(null, LIMITS, T0)).toBeNull();
    expect(currentWindow(window, { ...LIMITS, alarmInterval: 0 }, T0)).toBeNull();
  });

  it('ends a window when the clock goes back before it opened', () => {
    const window = { openedAt: T0, exits: 1, coreDumps: 0 };
    expect(currentWindow(window, LIMITS, T0 - 3_600_000)).toBeNull();
    expect(decideOnExit(window, CRASH, LIMITS, false, T0 - 3_600_000)).toMatchObject({
      window: { openedAt: T0 - 3_600_000, exits: 1 },
      alarm: 'exit',
    });
  });

  it('uses the clamped interval from the config: alarm_interval 30 lasts 60 s', () => {
    const { config } = parseConfig('[global]\nalarm_interval : 30\n', 'web', 'supervise.conf');
    const limits: AlarmLimits = config;
    const decisions = run([[0, CRASH], [45, CRASH], [60, CRASH]], limits);
    expect(decisions.map((d) => d.alarm)).toEqual(['exit', null, 'exit']);
  });

  it('does nothing with alarm_interval 0 (or absent from the config): no window, no alarm, no limit', () => {
    const { config } = parseConfig('[global]\nmax_tries : 1\nmax_tries_if_coredumped : 1\n', 'web', 'supervise.conf');
    for (const limits of [{ ...LIMITS, alarmInterval: 0 }, config]) {
      for (const decision of run([[0, CORE], [1, CORE], [2, CORE], [3, CRASH]], limits)) {
        expect(decision).toEqual({ window: null, alarm: null, sendAlarm: false, giveUp: null });
      }
    }
  });
});

describe('decideOnExit: limits', () => {
  it('does not give up exactly at max_tries, and does one exit past it', () => {
    const decisions = run([[0, CRASH], [1, CRASH], [2, CRASH], [3, CRASH]]);
    expect(decisions.slice(0, 3).map((d) => d.giveUp)).toEqual([null, null, null]);
    expect(decisions[3]).toEqual({
      window: { openedAt: T0, exits: 4, coreDumps: 0 },
      alarm: 'gave-up',
      sendAlarm: true,
      giveUp: { exits: 4, coreDumps: 0, windowSeconds: 60, reason: 'exited 4 times in 60 s (max_tries 3)' },
    });
  });

  it('does not give up exactly at max_tries_if_coredumped, and does one core dump past it', () => {
    const decisions = run([[0, CORE], [1, CORE], [2, CORE]], { ...LIMITS, maxTries: 0 });
    expect(decisions[1].giveUp).toBeNull();
    expect(decisions[2].giveUp).toEqual({
      exits: 3,
      coreDumps: 3,
      windowSeconds: 60,
      reason: 'dumped core 3 times in 60 s (max_tries_if_coredumped 2)',
    });
    expect(decisions[2].alarm).toBe('gave-up');
  });

  it('counts core dumps among the exits and names both limits when both are passed', () => {
    const decisions = run([[0, CRASH], [1, CORE], [2, CORE]], { alarmInterval: 120, maxTries: 2, maxTriesIfCoredumped: 1 });
    expect(decisions[2].giveUp?.reason).toBe(
      'exited 3 times in 120 s (max_tries 2) and dumped core 2 times in 120 s (max_tries_if_coredumped 1)',
    );
  });

  it('has no limit where max_tries or max_tries_if_coredumped is 0', () => {
    const exits: [number, Exit][] = Array.from({ length: 50 }, (_, i) => [i, CORE]);
    const decisions = run(exits, { alarmInterval: 60, maxTries: 0, maxTriesIfCoredumped: 0 });
    expect(decisions.every((d) => d.giveUp === null)).toBe(true);
    expect(decisions[49].window).toEqual({ openedAt: T0, exits: 50, coreDumps: 50 });
  });

  it('starts counting again in a new window', () => {
    const decisions = run([[0, CRASH], [1, CRASH], [2, CRASH], [61, CRASH], [62, CRASH]]);
    expect(decisions.every((d) => d.giveUp === null)).toBe(true);
    expect(decisions[4].window).toEqual({ openedAt: T0 + 61_000, exits: 2, coreDumps: 0 });
  });
});

describe('decideOnExit: exits that do not count', () => {
  it('neither alarms nor counts a silenced exit, and keeps the window', () => {
    const decisions = run([[0, CRASH], [1, CRASH, true], [2, CORE, true], [3, CRASH, true], [4, CRASH, true]]);
    for (const decision of decisions.slice(1)) {
      expect(decision).toEqual({ window: { openedAt: T0, exits: 1, coreDumps: 0 }, alarm: null, sendAlarm: false, giveUp: null });
    }
  });

  it('opens no window for a silenced exit, so the first unsilenced one alarms', () => {
    const decisions = run([[0, CRASH, true], [1, CRASH]]);
    expect(decisions[0].window).toBeNull();
    expect(decisions[1].alarm).toBe('exit');
  });

  it('neither alarms nor counts an expected exit', () => {
    const decisions = run([[0, EXPECTED], [1, CRASH], [2, EXPECTED], [3, EXPECTED], [4, EXPECTED], [5, EXPECTED]]);
    expect(decisions[0]).toEqual({ window: null, alarm: null, sendAlarm: false, giveUp: null });
    expect(decisions[1].alarm).toBe('exit');
    expect(decisions[5]).toEqual({ window: { openedAt: T0 + 1000, exits: 1, coreDumps: 0 }, alarm: null, sendAlarm: false, giveUp: null });
  });

  it('drops an expired window on an exit that does not count', () => {
    const decisions = run([[0, CRASH], [90, EXPECTED]]);
    expect(decisions[1].window).toBeNull();
  });
});

describe('nextHookCount', () => {
  it('counts from 1 and never resets with -t 0', () => {
    let counter = nextHookCount(null, T0, 0);
    expect(counter).toEqual({ count: 1, lastExitAt: T0 });
    counter = nextHookCount(counter, T0 + 86_400_000, 0);
    expect(counter).toEqual({ count: 2, lastExitAt: T0 + 86_400_000 });
  });

  it('restarts from 1 when N or more seconds passed since the previous exit', () => {
    const previous = { count: 4, lastExitAt: T0 };
    expect(nextHookCount(previous, T0 + 9_999, 10)).toEqual({ count: 5, lastExitAt: T0 + 9_999 });
    expect(nextHookCount(previous, T0 + 10_000, 10)).toEqual({ count: 1, lastExitAt: T0 + 10_000 });
    expect(nextHookCount(previous, T0 + 60_000, 10)).toEqual({ count: 1, lastExitAt: T0 + 60_000 });
  });

  it('measures from the previous exit, not from the first', () => {
    let counter = nextHookCount(null, T0, 10);
    for (const seconds of [8, 16, 24]) counter = nextHookCount(counter, T0 + seconds * 1000, 10);
    expect(counter.count).toBe(4);
  });
});
