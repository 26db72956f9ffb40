import { describe, expect, it } from 'vitest';
import { escapeInvalidUtf8, findNonUtf8Word, splitCmdline } from '../../../src/codec/command-line-bytes.js';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

describe('splitCmdline', () => {
  it('splits on NUL, keeping empty words and bytes as they are', () => {
    const words = splitCmdline(bytes('node\0', '\0', [0xb2, 0xe2], '\0'));
    expect(words.map((word) => [...word])).toEqual([[...Buffer.from('node')], [], [0xb2, 0xe2]]);
  });

  it('keeps a last word without its NUL (a rewritten command line)', () => {
    expect(splitCmdline(bytes('a\0b')).map(String)).toEqual(['a', 'b']);
  });
});

describe('escapeInvalidUtf8', () => {
  it.each([
    ['GBK', bytes('status/', [0xb2, 0xe2, 0xca, 0xd4]), 'status/\\xb2\\xe2\\xca\\xd4'],
    ['valid multi-byte kept', bytes('é测', [0xff]), 'é测\\xff'],
    ['a truncated sequence', bytes([0xe6, 0xb5]), '\\xe6\\xb5'],
    ['an overlong slash', bytes([0xc0, 0xaf]), '\\xc0\\xaf'],
    ['a UTF-16 surrogate', bytes([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80'],
    ['valid text unchanged', bytes('sleep 1000'), 'sleep 1000'],
  ])('%s', (_, word, expected) => {
    expect(escapeInvalidUtf8(word)).toBe(expected);
  });
});

describe('findNonUtf8Word', () => {
  const words = splitCmdline(bytes([0xff], '\0--flag\0script\0-p\0', [0xb2], '\0x\0', [0xb3], '\0'));

  it('looks at the last `count` words only and names the first bad one', () => {
    expect(findNonUtf8Word(words, 4)).toBe('\\xb2');
    expect(findNonUtf8Word(words, 2)).toBe('\\xb3');
  });

  it('is null when those words are all UTF-8', () => {
    expect(findNonUtf8Word(splitCmdline(bytes('node\0s\0-u\0d\0é\0')), 3)).toBeNull();
    expect(findNonUtf8Word(words, 0)).toBeNull();
  });
});
