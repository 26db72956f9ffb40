// The status directory the daemon holds, by inode rather than by name. The
// daemon keeps it open and reaches every file in it through
// /proc/PID/fd/N/NAME, so when someone renames the directory away
// (`mv status/m status/m.old`) the daemon goes on in it and never writes into,
// or re-creates files under, a `status/m` that a new supervise now owns. The
// pid rather than `self` keeps the path valid for children the daemon starts
// on it (mkfifo), though the descriptor itself is close-on-exec.
import { closeSync, constants, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { prepareStatusDir } from './status-dir.js';
import { isSameFile } from './same-file.js';

/** Where the directory the daemon holds stands now, relative to the path it was started with. */
export type HeldDirPlace =
  /** The path names it (directly or through a symlink). */
  | 'at-path'
  /** It still exists but the path no longer names it: renamed or moved away. */
  | 'moved'
  /** It was removed, and nothing stands at the path. */
  | 'removed'
  /** It was removed, and the path names something else now: not ours to touch. */
  | 'removed-path-taken';

export class HeldStatusDir {
  private fd: number;

  /**
   * `shown` is the path as given, for messages and status.json. With
   * `recreateParents` false a removed directory is made again only where its
   * parent still stands: supervise-scan's SCANDIR/NAME removed means the
   * service is gone, not that its directory is to be made again.
   */
  constructor(
    readonly shown: string,
    private readonly recreateParents = true,
  ) {
    this.fd = openDirectory(shown);
  }

  /** The real path of `name` inside the held directory, wherever it is now. */
  file(name: string): string {
    return `/proc/${process.pid}/fd/${this.fd}/${name}`;
  }

  /** The held directory itself, for code that joins names onto it. */
  get root(): string {
    return `/proc/${process.pid}/fd/${this.fd}`;
  }

  /** `name` under the path as given, for messages. */
  shownFile(name: string): string {
    return join(this.shown, name);
  }

  locate(): HeldDirPlace {
    const held = fstatSync(this.fd, { bigint: true });
    // stat, not lstat: a status directory reached through a symlink is still ours.
    const named = statSync(this.shown, { bigint: true, throwIfNoEntry: false });
    if (named && isSameFile(named, held)) return 'at-path';
    if (held.nlink > 0n) return 'moved';
    return named === undefined ? 'removed' : 'removed-path-taken';
  }

  /** After 'removed': makes the directory again at the path and holds the new one. */
  recreate(): void {
    if (this.recreateParents) prepareStatusDir(this.shown);
    else mkdirSync(this.shown, { mode: 0o700 });
    const fd = openDirectory(this.shown);
    closeSync(this.fd);
    this.fd = fd;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function openDirectory(path: string): number {
  return openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
}
