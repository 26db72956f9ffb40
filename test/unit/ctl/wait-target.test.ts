import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/codec/status-codec.js';
import type { WaitTarget } from '../../../src/ctl/control-actions.js';
import { describeNotReady, describeStuck, judgeState, type ObservedState, type Verdict } from '../../../src/ctl/wait-target.js';

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

// SPEC section 15: with ready_fd, start --wait and restart --wait wait for
// `ready` in status.json, and fail once ready_timeout has passed.
describe('judgeState: readiness', () => {
  const withJson = (pid: number, json: ObservedState['json']): ObservedState => ({ ...observed(pid), json });

  it.each<[string, WaitTarget, number, ObservedState, Verdict]>([
    ['up and ready', 'up', 0, withJson(42, { pid: 42, ready: true, readyTimedOut: false }), 'reached'],
    ['up, not ready yet', 'up', 0, withJson(42, { pid: 42, ready: false, readyTimedOut: false }), 'waiting'],
    ['up, ready_timeout passed', 'up', 0, withJson(42, { pid: 42, ready: false, readyTimedOut: true }), 'not-ready'],
    ['up, ready late after the timeout', 'up', 0, withJson(42, { pid: 42, ready: true, readyTimedOut: true }), 'reached'],
    ['status.json of the previous pid', 'up', 0, withJson(42, { pid: 41, ready: true, readyTimedOut: false }), 'waiting'],
    ['no status.json', 'up', 0, withJson(42, null), 'reached'],
    ['status.json without ready (an older supervise)', 'up', 0, withJson(42, { pid: 42 }), 'reached'],
    ['a new pid, not ready', 'new-pid', 41, withJson(42, { pid: 42, ready: false, readyTimedOut: false }), 'waiting'],
    ['a new pid, ready', 'new-pid', 41, withJson(42, { pid: 42, ready: true, readyTimedOut: false }), 'reached'],
    ['a new pid, timed out', 'new-pid', 41, withJson(42, { pid: 42, ready: false, readyTimedOut: true }), 'not-ready'],
  ])('%s', (_name, target, previousPid, state, verdict) => {
    expect(judgeState(target, previousPid, state)).toBe(verdict);
  });

  it('says not ready when the wait ends first, and when the timeout passed', () => {
    const state: ObservedState = { ...observed(1234), json: { pid: 1234, ready: false, readyTimedOut: false } };
    expect(describeStuck('status/x', 'up', state, 7)).toBe('status/x: still up (pid 1234), not ready after 7 s, wanted up');
    expect(describeNotReady('status/x', state)).toBe('status/x: up (pid 1234) but not ready within its ready_timeout, wanted up and ready');
  });
});
