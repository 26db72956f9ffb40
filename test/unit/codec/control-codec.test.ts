import { describe, expect, it } from 'vitest';
import { decodeControlByte, LETTER_BY_COMMAND } from '../../../src/codec/control-codec.js';

describe('decodeControlByte', () => {
  it.each([
    ['u', 'up'], ['d', 'down'], ['o', 'once'], ['x', 'exit'], ['p', 'pause'], ['c', 'cont'], ['h', 'hup'],
    ['a', 'alarm'], ['i', 'int'], ['t', 'term'], ['k', 'kill'], ['s', 'silence'], ['n', 'unsilence'], ['r', 'reload'],
  ])('maps %s to %s and back', (letter, command) => {
    expect(decodeControlByte(letter.charCodeAt(0))).toEqual({ kind: 'command', command });
    expect(LETTER_BY_COMMAND[command as keyof typeof LETTER_BY_COMMAND]).toBe(letter);
  });

  it('notes unknown letters and ignores other bytes', () => {
    expect(decodeControlByte('z'.charCodeAt(0))).toEqual({ kind: 'unknown', letter: 'z' });
    expect(decodeControlByte('U'.charCodeAt(0))).toEqual({ kind: 'unknown', letter: 'U' });
    for (const byte of [0x0a, 0x20, 0x00, 0xff, 0x31]) expect(decodeControlByte(byte)).toEqual({ kind: 'ignored' });
  });
});
