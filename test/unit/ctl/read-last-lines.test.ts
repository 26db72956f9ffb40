import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLastLinesStart, readLastLines } from '../../../src/ctl/read-last-lines.js';
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
  function tailOf(content: string | Buffer, count: number): string {
    const path = join(makeTempDir(), 'log');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      return readLastLines(fd, Buffer.byteLength(content), count).toString();
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
});
