// Looks at the entries of a status directory that the daemon holds open, and
// watches them, for src/core/status-dir-repair.ts. No decisions here.
import { fstatSync, lstatSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { HeldEntryState, StatusDirObservation } from '../core/status-dir-repair.js';

export interface HeldDescriptors {
  lockFd: number;
  controlFd: number;
  okFd: number;
}

export function observeStatusDir(dir: string, held: HeldDescriptors, statusWritten: boolean): StatusDirObservation {
  const dirStat = lstatSync(dir, { throwIfNoEntry: false });
  if (dirStat === undefined) return { dir: 'missing', lock: 'missing', control: 'missing', ok: 'missing', status: 'missing' };
  if (!dirStat.isDirectory()) return { dir: 'not-directory', lock: 'missing', control: 'missing', ok: 'missing', status: 'missing' };
  const statusPresent = lstatSync(join(dir, 'status'), { throwIfNoEntry: false }) !== undefined;
  return {
    dir: 'present',
    lock: observeHeldEntry(join(dir, 'lock'), held.lockFd),
    control: observeHeldEntry(join(dir, 'control'), held.controlFd),
    ok: observeHeldEntry(join(dir, 'ok'), held.okFd),
    status: !statusWritten ? 'not-written-yet' : statusPresent ? 'present' : 'missing',
  };
}

/** Whether `path` still names the file open on `fd`. */
function observeHeldEntry(path: string, fd: number): HeldEntryState {
  const named = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (named === undefined) return 'missing';
  const open = fstatSync(fd, { bigint: true });
  return named.dev === open.dev && named.ino === open.ino ? 'ours' : 'replaced';
}

/**
 * Watches one file's inode (inotify): unlinking it changes its link count,
 * which is reported as a change even while supervise holds it open. Watching
 * the entries themselves rather than the directory keeps the daemon asleep
 * while the service writes __stdout and __stderr there. Returns null when the
 * path cannot be watched (it is already gone; the caller checks anyway).
 */
export function watchEntry(path: string, onChange: () => void): { close(): void } | null {
  let watcher: FSWatcher;
  try {
    watcher = watch(path, { persistent: false }, onChange);
  } catch {
    return null;
  }
  watcher.on('error', () => {
    watcher.close();
    onChange();
  });
  return {
    close() {
      watcher.close();
    },
  };
}
