import { describe, expect, it } from 'vitest';
import { decodeControlChunk, describeUnknownLetters } from '../../../src/codec/control-chunk.js';
import { initialState, transition, type SupervisorState } from '../../../src/core/supervisor-machine.js';
import { noLimits } from '../../helpers/machine-config.js';


describe('decodeControlChunk', () => {
  it('groups a command repeated across bytes that are not commands, keeping the order of commands', () => {
    const chunk = decodeControlChunk(Buffer.from('hh\nh\x00\xffZhdsu'));
    expect(chunk.runs).toEqual([
      { command: 'hup', letter: 'h', count: 4 },
      { command: 'down', letter: 'd', count: 1 },
      { command: 'silence', letter: 's', count: 1 },
      { command: 'up', letter: 'u', count: 1 },
    ]);
    expect(chunk.unknownCount).toBe(1);
    expect(describeUnknownLetters(chunk)).toBe('control: unknown command "Z" ignored');
  });

  it('notes many unknown letters in one line naming at most eight of them', () => {
    const chunk = decodeControlChunk(Buffer.from('ZZQbefgjmqv'));
    expect(chunk.runs).toEqual([]);
    expect(describeUnknownLetters(chunk)).toBe('control: 11 unknown commands ignored ("Z", "Q", "b", "e", "f", "g", "j", "m", ...)');
    expect(describeUnknownLetters(decodeControlChunk(Buffer.from('ZZQ')))).toBe('control: 3 unknown commands ignored ("Z", "Q")');
    expect(describeUnknownLetters(decodeControlChunk(Buffer.from('\n\x00 9')))).toBeNull();
  });
});

describe('a run of one control command', () => {
  const running = (): SupervisorState => {
    const booted = transition(initialState('svc', 'svc-bin', noLimits, 0), { kind: 'boot', at: 0, previous: { kind: 'none' } }).state;
    return transition(booted, { kind: 'started', pid: 100, at: 0 }).state;
  };

  it('acts once per repetition but logs once', () => {
    const { effects } = transition(running(), { kind: 'control', runs: [{ command: 'hup', letter: 'h', count: 3 }], at: 10 });
    expect(effects).toEqual([
      { kind: 'log', level: 'notice', message: 'control command h (hup), 3 times' },
      { kind: 'signal', pid: 100, signal: 'SIGHUP' },
      { kind: 'signal', pid: 100, signal: 'SIGHUP' },
      { kind: 'signal', pid: 100, signal: 'SIGHUP' },
    ]);
  });

  it('writes status once for a run that changes it', () => {
    const { state, effects } = transition(running(), { kind: 'control', runs: [{ command: 'silence', letter: 's', count: 5 }], at: 10 });
    expect(state.alarmsOn).toBe(false);
    expect(effects.filter((effect) => effect.kind === 'write-status')).toHaveLength(1);
  });

  it('stops at x: the rest of the run finds supervise finished', () => {
    const down = transition(running(), { kind: 'exited', pid: 100, code: 0, signal: null, at: 5 }).state;
    const stopped = transition(down, { kind: 'control', runs: [{ command: 'down', letter: 'd', count: 1 }], at: 6 }).state;
    const { state, effects } = transition(stopped, { kind: 'control', runs: [{ command: 'exit', letter: 'x', count: 3 }], at: 10 });
    expect(state.phase).toBe('finished');
    expect(effects.filter((effect) => effect.kind === 'exit')).toEqual([{ kind: 'exit', code: 0 }]);
  });
});
