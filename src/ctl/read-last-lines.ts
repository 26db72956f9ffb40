// The last N lines of a log that may be far larger than memory should hold:
// read backwards in chunks until enough line breaks are seen.
import { readSync } from 'node:fs';

const NEWLINE = 0x0a;
const CHUNK_SIZE = 64 * 1024;

/**
 * Where the last `count` lines of `bytes` begin, or null when `bytes` holds
 * fewer line breaks than that and the start lies further back.
 */
export function findLastLinesStart(bytes: Uint8Array, count: number): number | null {
  if (count <= 0) return bytes.length;
  // A final newline ends the last line; it does not begin another one.
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === NEWLINE) end -= 1;
  let seen = 0;
  for (let index = end - 1; index >= 0; index -= 1) {
    if (bytes[index] === NEWLINE) {
      seen += 1;
      if (seen === count) return index + 1;
    }
  }
  return null;
}

/** The last `count` lines of the first `size` bytes of an open file. */
export function readLastLines(fd: number, size: number, count: number): Buffer {
  let start = size;
  let tail = Buffer.alloc(0);
  for (;;) {
    const chunkStart = Math.max(0, start - CHUNK_SIZE);
    const chunk = Buffer.alloc(start - chunkStart);
    let filled = 0;
    while (filled < chunk.length) {
      const read = readSync(fd, chunk, filled, chunk.length - filled, chunkStart + filled);
      if (read === 0) break;
      filled += read;
    }
    tail = Buffer.concat([chunk.subarray(0, filled), tail]);
    start = chunkStart;
    const offset = findLastLinesStart(tail, count);
    if (offset !== null) return tail.subarray(offset);
    if (start === 0) return tail;
  }
}
