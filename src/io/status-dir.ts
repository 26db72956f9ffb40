// The status directory: created with its parents, mode 0700 (SPEC section 3).
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SuperviseError, describeCause } from '../core/supervise-error.js';

export function prepareStatusDir(path: string): void {
  try {
    makeDirectories(resolve(path));
  } catch (error) {
    throw new SuperviseError('status-dir-unusable', `unable to create ${path}: ${describeCause(error)}`, { cause: error });
  }
  // mkdir -p succeeds on an existing path only when it is a directory, but a
  // symlink to a file or a race can still leave something else there.
  assertDirectory(path);
}

/** Throws `unable to use PATH: REASON` (exit 110) unless `path` is a directory. */
export function assertDirectory(path: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new SuperviseError('status-dir-unusable', `unable to use ${path}: ${describeCause(error)}`, { cause: error });
  }
  if (!isDirectory) throw new SuperviseError('status-dir-unusable', `unable to use ${path}: not a directory`);
}

/**
 * mkdir -p, one component at a time. Node's recursive mkdir reports ENOENT
 * for the path asked for when creating a parent failed (EROFS, EACCES), which
 * sends people looking for the wrong problem; here the real errno comes out.
 */
function makeDirectories(path: string): void {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const found = lookUp(current);
    if (found === 'there') break;
    missing.unshift(current);
    // Past ENOTDIR or EACCES looking further up tells nothing: mkdir below reports it.
    if (found === 'unknown' || dirname(current) === current) break;
  }
  for (const directory of missing) {
    try {
      mkdirSync(directory, { mode: 0o700 });
    } catch (error) {
      // Someone else made it in between: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function lookUp(path: string): 'there' | 'absent' | 'unknown' {
  try {
    statSync(path);
    return 'there';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unknown';
  }
}
