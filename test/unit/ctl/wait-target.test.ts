import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/codec/status-codec.js';
import type { WaitTarget } from '../../../src/ctl/control-actions.js';
import { describeStuck, judgeState, type ObservedState, type Verdict } from '../../../src/ctl/wait-target.js';

function observed(pid: number, running = true, lockFree: boolean | null = null, paused = false): ObservedState {
  const status: Status = { seconds: 0, nanoseconds: 0, paused, want: 'up', alarmsOn: true, pid };
  return { running, lockFree, status };
}

function neverStarted(lockFree: boolean | null = null): ObservedState {
  return { running: false, lockFree, status: null };
}

describe('judgeState', () => {
  it.each<[WaitTarget, number, ObservedState, Verdict]>([
    ['up', 0, observed(42), 'reached'],
    ['up', 0, observed(0), 'waiting'],
    ['up', 0, observed(0, false), 'lost'],
    ['down', 0, observed(0), 'reached'],
    ['down', 0, observed(42), 'waiting'],
    // supervise writes pid 0 last when it exits: stopped and gone is still down.
    ['down', 0, observed(0, false), 'reached'],
    ['down', 0, observed(42, false), 'lost'],
    ['new-pid', 42, observed(42), 'waiting'],
    ['new-pid', 42, observed(0), 'waiting'],
    ['new-pid', 42, observed(43), 'reached'],
    ['new-pid', 0, observed(43), 'reached'],
    ['new-pid', 42, observed(43, false), 'lost'],
    ['gone', 0, observed(42), 'waiting'],
    ['gone', 0, observed(0, false, false), 'waiting'],
    ['gone', 0, observed(0, false, true), 'reached'],
    ['none', 0, observed(0, false), 'reached'],
    // A first start that failed left no status: down, and nothing will come up.
    ['down', 0, neverStarted(), 'reached'],
    ['up', 0, neverStarted(), 'lost'],
    ['new-pid', 0, neverStarted(), 'lost'],
    ['gone', 0, neverStarted(true), 'reached'],
  ])('%s from pid %i: %o -> %s', (target, previousPid, state, verdict) => {
    expect(judgeState(target, previousPid, state)).toBe(verdict);
  });
});

describe('describeStuck', () => {
  it.each<[WaitTarget, ObservedState, string]>([
    ['down', observed(1234), 'status/x: still up (pid 1234) after 1 s, wanted down'],
    ['up', observed(0), 'status/x: still down after 1 s, wanted up'],
    ['new-pid', observed(1234, true, null, true), 'status/x: still up (pid 1234), paused after 1 s, wanted a new pid'],
    ['gone', observed(1234), 'status/x: still supervised, service up (pid 1234) after 1 s, wanted supervise gone'],
    ['gone', observed(0, false, false), 'status/x: still holding the lock after 1 s, wanted supervise gone'],
  ])('%s', (target, state, message) => {
    expect(describeStuck('status/x/', target, state, 1)).toBe(message);
  });
});
