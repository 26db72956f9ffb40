import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLastLinesStart, readLastLines } from '../../../src/io/read-file-tail.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const bytes = (text: string) => Buffer.from(text);

describe('findLastLinesStart', () => {
  it.each<[string, number, number | null]>([
    ['a\nb\nc\n', 2, 2],
    ['a\nb\nc\n', 3, null],
    ['a\nb\nc', 1, 4],
    ['a\nb\nc', 2, 2],
    ['a\nb\n', 0, 4],
    ['', 1, null],
    ['\n\n', 1, 1],
  ])('%j, last %i', (text, count, start) => {
    expect(findLastLinesStart(bytes(text), count)).toBe(start);
  });
});

describe('readLastLines', () => {
  function tailOf(content: string | Buffer, count: number, maxBytes?: number): string {
    const path = join(makeTempDir(), 'log');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      return readLastLines(fd, Buffer.byteLength(content), count, maxBytes).toString();
    } finally {
      closeSync(fd);
    }
  }

  it('returns the whole file when it has fewer lines than asked', () => {
    expect(tailOf('one\ntwo\n', 10)).toBe('one\ntwo\n');
  });

  it('finds lines that span the 64 KiB read chunks', () => {
    const lines = Array.from({ length: 5000 }, (_, index) => `line ${index} ${'x'.repeat(40)}`);
    expect(tailOf(`${lines.join('\n')}\n`, 3000)).toBe(`${lines.slice(2000).join('\n')}\n`);
  });

  it('keeps a last line that has no newline yet', () => {
    expect(tailOf('one\ntwo\nthr', 2)).toBe('two\nthr');
  });

  it.each<[string, number, string]>([
    ['the budget ends inside a line: that fragment goes', 12, 'BBBB\nCCCC\n'],
    ['the budget ends just after a newline: the line is whole', 10, 'BBBB\nCCCC\n'],
    ['the budget ends inside the next line', 9, 'CCCC\n'],
    ['the budget is larger than the file', 1000, 'AAAAAAAAAA\nBBBB\nCCCC\n'],
  ])('with a byte budget, %s', (_name, maxBytes, expected) => {
    expect(tailOf('AAAAAAAAAA\nBBBB\nCCCC\n', 20, maxBytes)).toBe(expected);
  });

  it('keeps the end of a line longer than the budget rather than nothing', () => {
    expect(tailOf(`${'x'.repeat(1000)}END`, 20, 10)).toBe('xxxxxxxEND');
    expect(tailOf(`${'x'.repeat(1000)}END\n`, 20, 10)).toBe('xxxxxxEND\n');
  });
});
