import { describe, expect, it } from 'vitest';
import { EXIT_COMMAND, EXIT_LOCK, EXIT_STATUS_DIR, EXIT_USAGE } from '../../../src/core/exit-codes.js';
import { SuperviseError, describeCause, type SuperviseErrorCode } from '../../../src/core/supervise-error.js';

describe('SuperviseError', () => {
  it.each<[SuperviseErrorCode, number]>([
    ['bad-arguments', EXIT_USAGE],
    ['status-dir-unusable', EXIT_STATUS_DIR],
    ['lock-held', EXIT_LOCK],
    ['file-unusable', EXIT_LOCK],
    ['command-unrunnable', EXIT_COMMAND],
  ])('%s exits %i (SPEC section 1)', (code, exitCode) => {
    const error = new SuperviseError(code, 'unable to lock status/x/lock: held by supervise pid 7');
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(exitCode);
  });

  it('is named for stack traces, and keeps its cause', () => {
    const cause = new Error('EACCES');
    const error = new SuperviseError('file-unusable', 'unable to open x: EACCES', { cause });
    expect(error.name).toBe('SuperviseError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('carries no program name: src/bin adds it once', () => {
    expect(new SuperviseError('lock-held', 'unable to lock x: held').message).toBe('unable to lock x: held');
  });
});

describe('describeCause', () => {
  it('keeps errno and reason of a Node system error, without syscall and path', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/a, b'"), { code: 'EACCES' });
    expect(describeCause(error)).toBe('EACCES: permission denied');
    const write = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(describeCause(write)).toBe('ENOSPC: no space left on device');
  });

  it('gives the message of an error whose code is ours, not Node\'s', () => {
    expect(describeCause(new SuperviseError('lock-held', 'unable to lock x: held'))).toBe('unable to lock x: held');
  });

  it('gives the text of something that is not an Error', () => {
    expect(describeCause('gone')).toBe('gone');
  });
});
