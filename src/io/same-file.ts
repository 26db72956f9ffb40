// "Does this path still name the file we hold open?": the one test behind
// re-creating a removed log file, noticing a replaced status-directory entry
// and following a re-created __stdout. Same device and same inode number;
// the stats are bigint where it matters, since inode numbers can pass 2^53.
import { fstatSync, lstatSync, statSync } from 'node:fs';

export interface FileIdentity<T extends number | bigint> {
  readonly dev: T;
  readonly ino: T;
}

export function isSameFile<T extends number | bigint>(a: FileIdentity<T>, b: FileIdentity<T>): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** `same`: path names the open file; `missing`: nothing at path; `other`: another file is there now. */
export type PathAndOpenFile = 'same' | 'missing' | 'other';

/**
 * Compares what `path` names now with the file open on `fd`. With
 * `followSymlinks`, a symlink to the open file counts as naming it (stat);
 * without, the entry itself must be that file (lstat). Throws what stat throws
 * other than ENOENT.
 */
export function comparePathWithOpenFile(path: string, fd: number, options: { followSymlinks: boolean }): PathAndOpenFile {
  const lookUp = options.followSymlinks ? statSync : lstatSync;
  const named = lookUp(path, { bigint: true, throwIfNoEntry: false });
  if (named === undefined) return 'missing';
  return isSameFile(named, fstatSync(fd, { bigint: true })) ? 'same' : 'other';
}
