import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStderrTail } from '../../../src/alarm/read-stderr-tail.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function writeLines(path: string, count: number, ending = '\n'): void {
  writeFileSync(path, Array.from({ length: count }, (_, i) => `line ${i + 1}${ending}`).join(''));
}

describe('readStderrTail', () => {
  it('returns [] for a missing file', () => {
    expect(readStderrTail(join(makeTempDir(), '__stderr'))).toEqual([]);
  });

  it('returns [] for an empty file', () => {
    const path = join(makeTempDir(), '__stderr');
    writeFileSync(path, '');
    expect(readStderrTail(path)).toEqual([]);
  });

  it('returns every line of a short file, with or without a final newline', () => {
    const path = join(makeTempDir(), '__stderr');
    writeFileSync(path, 'one\ntwo\nthree');
    expect(readStderrTail(path)).toEqual(['one', 'two', 'three']);
    writeFileSync(path, 'one\ntwo\nthree\n');
    expect(readStderrTail(path)).toEqual(['one', 'two', 'three']);
  });

  it('returns the last 20 lines by default, oldest first', () => {
    const path = join(makeTempDir(), '__stderr');
    writeLines(path, 100);
    const tail = readStderrTail(path);
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('line 81');
    expect(tail[19]).toBe('line 100');
  });

  it('honours the line count and strips CRLF endings', () => {
    const path = join(makeTempDir(), '__stderr');
    writeLines(path, 10, '\r\n');
    expect(readStderrTail(path, 3)).toEqual(['line 8', 'line 9', 'line 10']);
    expect(readStderrTail(path, 0)).toEqual([]);
  });

  it('keeps blank lines inside the tail', () => {
    const path = join(makeTempDir(), '__stderr');
    writeFileSync(path, 'a\n\nb\n');
    expect(readStderrTail(path)).toEqual(['a', '', 'b']);
  });

  it('drops the partial line where the byte window starts', () => {
    const path = join(makeTempDir(), '__stderr');
    writeFileSync(path, 'AAAAAAAAAA\nBBBB\nCCCC\n'); // 11 + 5 + 5 bytes
    expect(readStderrTail(path, 20, 12)).toEqual(['BBBB', 'CCCC']); // window starts inside the A line
    expect(readStderrTail(path, 20, 10)).toEqual(['BBBB', 'CCCC']); // window starts exactly at B
    expect(readStderrTail(path, 20, 9)).toEqual(['CCCC']); // window starts inside B
  });

  it('returns the end of a line longer than the window rather than nothing', () => {
    const path = join(makeTempDir(), '__stderr');
    writeFileSync(path, `${'x'.repeat(1000)}END`);
    expect(readStderrTail(path, 20, 10)).toEqual(['xxxxxxxEND']);
  });

  it('reads only the end of a large file', () => {
    // A sparse 4 GiB file: reading it whole would fail (beyond Buffer limits) or take ages.
    const path = join(makeTempDir(), '__stderr');
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, 'early line\nsecond to last\nthe last line\n', 4 * 1024 ** 3);
    } finally {
      closeSync(fd);
    }
    expect(readStderrTail(path, 2)).toEqual(['second to last', 'the last line']);
  });

  it('names the path when the file cannot be read', () => {
    const dir = join(makeTempDir(), '__stderr');
    mkdirSync(dir);
    expect(() => readStderrTail(dir)).toThrow(`unable to read ${dir}: EISDIR`);
  });
});
