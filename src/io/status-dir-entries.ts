// Looks at the entries of a status directory that the daemon holds open, and
// watches them, for src/core/status-dir-repair.ts. No decisions here.
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import type { HeldDirState, HeldEntryState, StatusDirObservation } from '../core/status-dir-repair.js';
import type { HeldDirPlace, HeldStatusDir } from './held-status-dir.js';
import { comparePathWithOpenFile } from './same-file.js';

export interface HeldDescriptors {
  lockFd: number;
  controlFd: number;
  okFd: number;
}

const DIR_STATES: Record<HeldDirPlace, HeldDirState> = {
  'at-path': 'present',
  moved: 'moved',
  removed: 'missing',
  'removed-path-taken': 'taken',
};

/** Entries are looked at inside the directory supervise holds, wherever it is now. */
export function observeStatusDir(dir: HeldStatusDir, held: HeldDescriptors, statusWritten: boolean): StatusDirObservation {
  const state = DIR_STATES[dir.locate()];
  if (state === 'missing' || state === 'taken') return { dir: state, lock: 'missing', control: 'missing', ok: 'missing', status: 'missing' };
  const statusPresent = lstatSync(dir.file('status'), { throwIfNoEntry: false }) !== undefined;
  return {
    dir: state,
    lock: observeHeldEntry(dir.file('lock'), held.lockFd),
    control: observeHeldEntry(dir.file('control'), held.controlFd),
    ok: observeHeldEntry(dir.file('ok'), held.okFd),
    status: !statusWritten ? 'not-written-yet' : statusPresent ? 'present' : 'missing',
  };
}

/** Whether `path` still names the file open on `fd`. */
function observeHeldEntry(path: string, fd: number): HeldEntryState {
  const found = comparePathWithOpenFile(path, fd, { followSymlinks: false });
  return found === 'same' ? 'ours' : found === 'other' ? 'replaced' : 'missing';
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
