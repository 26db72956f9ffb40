// Node cannot pass raw bytes on to spawn or to the file system: an argument,
// or a working directory relative paths are resolved against, that is not
// UTF-8 is refused before anything is created (see
// src/codec/command-line-bytes.ts).
import { isUtf8 } from 'node:buffer';
import { readFileSync, readlinkSync } from 'node:fs';
import { escapeInvalidUtf8, findNonUtf8Word, splitCmdline } from '../codec/command-line-bytes.js';

/** Our first argument (after node and the script) that is not valid UTF-8, escaped; null when there is none. */
export function findNonUtf8Argument(): string | null {
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return null;
  }
  return findNonUtf8Word(splitCmdline(cmdline), process.argv.length - 2);
}

/** The working directory, escaped, when it is not valid UTF-8 (process.cwd() would name another one); else null. */
export function findNonUtf8WorkingDirectory(): string | null {
  let cwd: Buffer;
  try {
    cwd = readlinkSync('/proc/self/cwd', { encoding: 'buffer' });
  } catch {
    return null;
  }
  return isUtf8(cwd) ? null : escapeInvalidUtf8(cwd);
}
