// The last lines of the service's __stderr for the alarm body (SPEC section 5).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Returns the last `lines` lines of the file, oldest first, reading at most `maxBytes` from
 * its end: __stderr is appended to for the service's whole life and can be gigabytes.
 * A missing file gives []; any other failure throws `unable to read PATH: REASON`.
 */
export function readStderrTail(path: string, lines = 20, maxBytes = 64 * 1024): string[] {
  if (lines <= 0) return [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`unable to read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return splitTail(readEnd(fd, maxBytes), lines);
  } catch (error) {
    throw new Error(`unable to read ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

interface FileEnd {
  text: string;
  /** The chunk starts at a line boundary: the start of the file or just after a newline. */
  wholeFirstLine: boolean;
}

function readEnd(fd: number, maxBytes: number): FileEnd {
  const size = fstatSync(fd).size;
  const start = Math.max(0, size - maxBytes);
  // One byte more before the window tells whether its first line is whole.
  const readFrom = start > 0 ? start - 1 : 0;
  const buffer = Buffer.alloc(size - readFrom);
  let filled = 0;
  while (filled < buffer.length) {
    const count = readSync(fd, buffer, filled, buffer.length - filled, readFrom + filled);
    if (count === 0) break; // truncated while we read
    filled += count;
  }
  const bytes = buffer.subarray(0, filled);
  if (start === 0) return { text: bytes.toString('utf8'), wholeFirstLine: true };
  return { text: bytes.subarray(1).toString('utf8'), wholeFirstLine: bytes[0] === 0x0a };
}

function splitTail({ text, wholeFirstLine }: FileEnd, count: number): string[] {
  const all = text.split(/\r?\n/);
  // A final newline ends the last line; it does not start an empty one.
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  // The window began inside a line: drop that fragment unless it is all there is.
  if (!wholeFirstLine && all.length > 1) all.shift();
  return all.slice(-count);
}
