// The last lines of a file that may be far larger than memory should hold
// (__stdout and __stderr grow for the service's whole life): read backwards
// in chunks until enough line breaks are seen, or until a byte budget is
// spent. Used by `supervisectl logs` and by the alarm's stderr tail.
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

/**
 * The last `count` lines of the first `size` bytes of an open file, reading
 * at most `maxBytes` from the end. When the budget runs out inside a line,
 * that fragment is dropped, unless it is all there is.
 */
export function readLastLines(fd: number, size: number, count: number, maxBytes = Number.POSITIVE_INFINITY): Buffer {
  const floor = Math.max(0, size - maxBytes);
  let start = size;
  let tail = Buffer.alloc(0);
  for (;;) {
    const chunkStart = Math.max(floor, start - CHUNK_SIZE);
    tail = Buffer.concat([readAt(fd, chunkStart, start - chunkStart), tail]);
    start = chunkStart;
    const offset = findLastLinesStart(tail, count);
    if (offset !== null) return tail.subarray(offset);
    if (start === 0) return tail;
    if (start === floor) return dropPartialFirstLine(fd, start, tail);
  }
}

/** `tail` starts at `start`, which is not the start of the file: is its first line whole? */
function dropPartialFirstLine(fd: number, start: number, tail: Buffer): Buffer {
  if (readAt(fd, start - 1, 1)[0] === NEWLINE) return tail;
  const firstBreak = tail.indexOf(NEWLINE);
  // No whole line after the fragment: the end of a long line beats nothing.
  if (firstBreak < 0 || firstBreak === tail.length - 1) return tail;
  return tail.subarray(firstBreak + 1);
}

/** Up to `length` bytes at `position`; fewer when the file was truncated meanwhile. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
