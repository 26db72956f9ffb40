import { describe, expect, it } from 'vitest';
import { escapeControlCharacters } from '../../../src/codec/visible-text.js';

describe('escapeControlCharacters', () => {
  it.each([
    ['newline and carriage return', 'a\r\nb', 'a\\r\\nb'],
    ['tab', 'a\tb', 'a\\tb'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['BEL', '\u0007', '\\x07'],
    ['ESC of a terminal sequence', '\u001b[31mred', '\\x1b[31mred'],
    ['DEL', '\u007f', '\\x7f'],
    ['C1 next-line', 'a\u0085b', 'a\\x85b'],
    ['C1 CSI', '\u009b2J', '\\x9b2J'],
    ['Unicode line separator', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('escapes %s', (_name, text, expected) => {
    expect(escapeControlCharacters(text)).toBe(expected);
  });

  it('leaves printable text, non-ASCII and backslashes as they are', () => {
    const text = 'exited with code 3 (C:\\path) 服务 ünïcødé ~';
    expect(escapeControlCharacters(text)).toBe(text);
  });

  it('keeps tabs when asked, and still escapes every line break', () => {
    expect(escapeControlCharacters('\tat Main.run\r\n\u0085', { keepTabs: true })).toBe('\tat Main.run\\r\\n\\x85');
  });
});
