import { describe, expect, it } from 'vitest';
import { CtlError } from '../../../src/ctl/ctl-error.js';
import { exitCodeOf, failureOf, NOT_RUNNING, SUCCEEDED, type DirOutcome } from '../../../src/ctl/dir-outcome.js';

const SYSTEM: DirOutcome = { ok: false, code: 'system' };
const TIMEOUT: DirOutcome = { ok: false, code: 'timeout' };

describe('exitCodeOf (SPEC section 10)', () => {
  it.each<[string, DirOutcome[], number]>([
    ['all reached', [SUCCEEDED, SUCCEEDED], 0],
    ['the only directory has no supervise', [NOT_RUNNING], 111],
    // Issue 16: EACCES must not read as "not running" to a script.
    ['the only directory could not be read', [SYSTEM], 1],
    ['the only directory got stuck', [TIMEOUT], 1],
    ['one of three not running', [SUCCEEDED, NOT_RUNNING, SUCCEEDED], 1],
    ['two of three failed', [SYSTEM, NOT_RUNNING, SUCCEEDED], 2],
    ['more than 99 failed', Array.from({ length: 120 }, () => NOT_RUNNING), 99],
  ])('%s: %i', (_name, outcomes, code) => {
    expect(exitCodeOf(outcomes)).toBe(code);
  });
});

describe('failureOf', () => {
  it('names the directory first for not running, and supervisectl for a system error', () => {
    expect(failureOf(new CtlError('not-running', 'status/x: supervise not running')).message).toBe('status/x: supervise not running');
    expect(failureOf(new CtlError('system', 'unable to open status/x/ok: EACCES: permission denied'))).toEqual({
      outcome: SYSTEM,
      message: 'supervisectl: unable to open status/x/ok: EACCES: permission denied',
    });
  });

  it('gives a system error exit 1, not the 111 of "not running"', () => {
    expect(new CtlError('system', 'x').exitCode).toBe(1);
    expect(new CtlError('not-running', 'x').exitCode).toBe(111);
    expect(new CtlError('usage', 'x').exitCode).toBe(100);
  });
});
