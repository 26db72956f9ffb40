import { describe, expect, it } from 'vitest';
import { CtlError } from '../../../src/ctl/ctl-error.js';
import { exitCodeOf, reportFailure, NOT_RUNNING, SUCCEEDED, type DirOutcome } from '../../../src/ctl/dir-outcome.js';

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

/** Which channel each line went to: raw stderr, or supervisectl's own (prefixed by src/bin). */
function report(error: unknown): { outcome: DirOutcome; lines: string[] } {
  const lines: string[] = [];
  const outcome = reportFailure(error, { writeErr: (text) => lines.push(`raw ${text}`), complain: (message) => lines.push(`own ${message}`) });
  return { outcome, lines };
}

describe('reportFailure', () => {
  it('names the directory first for not running, and supervisectl for a system error', () => {
    expect(report(new CtlError('not-running', 'status/x: supervise not running'))).toEqual({
      outcome: NOT_RUNNING,
      lines: ['raw status/x: supervise not running\n'],
    });
    expect(report(new CtlError('system', 'unable to open status/x/ok: EACCES: permission denied'))).toEqual({
      outcome: SYSTEM,
      lines: ['own unable to open status/x/ok: EACCES: permission denied'],
    });
  });

  it('reports an error of no known kind as a system error, by its reason', () => {
    const error = Object.assign(new Error("EIO: i/o error, read '/x'"), { code: 'EIO' });
    expect(report(error)).toEqual({ outcome: SYSTEM, lines: ['own EIO: i/o error'] });
  });

  it('gives a system error exit 1, not the 111 of "not running"', () => {
    expect(new CtlError('system', 'x').exitCode).toBe(1);
    expect(new CtlError('not-running', 'x').exitCode).toBe(111);
    expect(new CtlError('usage', 'x').exitCode).toBe(100);
  });
});
