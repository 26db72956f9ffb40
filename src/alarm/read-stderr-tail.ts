// The last lines of the service's __stderr for the alarm body (SPEC section 5).
import { closeSync, fstatSync, openSync } from 'node:fs';
import { describeCause } from '../core/supervise-error.js';
import { readLastLines } from '../io/read-file-tail.js';

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
    throw new Error(`unable to read ${path}: ${describeCause(error)}`, { cause: error });
  }
  try {
    const text = readLastLines(fd, fstatSync(fd).size, lines, maxBytes).toString('utf8');
    if (text === '') return [];
    // A final newline ends the last line; it does not start an empty one.
    return text.replace(/\r?\n$/, '').split(/\r?\n/);
  } catch (error) {
    throw new Error(`unable to read ${path}: ${describeCause(error)}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}
