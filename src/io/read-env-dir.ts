// Reads a daemontools envdir (SPEC section 15 `env_dir`) at each start, as
// envdir(8) does at each exec: every file's name and first line.
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { envDirValue, isEnvDirName } from '../core/launch-plan.js';

/**
 * Linux refuses a single environment string longer than this (MAX_ARG_STRLEN,
 * 32 pages), so reading more of a file could only make exec fail.
 */
const MAX_VALUE_BYTES = 128 * 1024;

/** [name, value or null for an empty file], in name order; throws naming the file that cannot be read. */
export function readEnvDir(dir: string): Array<readonly [string, string | null]> {
  const names = readdirSync(dir).filter(isEnvDirName).sort();
  return names.map((name) => [name, envDirValue(readStart(join(dir, name)))] as const);
}

function readStart(path: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put there by mistake must not hang supervise.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new Error(`unable to read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`unable to read ${path}: not a regular file`);
    const buffer = Buffer.alloc(MAX_VALUE_BYTES);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
