// The `lock` file: flock(LOCK_EX|LOCK_NB) held for the daemon's whole life, so
// `fuser lock` names the daemon and `flock -n lock true` fails while it runs.
// The daemon opens and locks it itself: Node opens every file close-on-exec,
// so the service never inherits the lock.
import { closeSync, fchmodSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { constants as fsConstants } from 'node:fs';
import { SuperviseError, describeCause } from '../core/supervise-error.js';
import { tryFlock } from './flock-descriptor.js';
import { isSameFile } from './same-file.js';

/**
 * Opens and locks `path`; the returned descriptor must stay open to keep the
 * lock. `shown` is the path for messages when `path` is a /proc alias of it.
 */
export function acquireLock(path: string, shown: string = path): number {
  const fd = openAndLock(path, shown);
  if (fstatSync(fd).uid === process.geteuid?.()) return fd;
  try {
    return replaceForeignLock(path, fd, shown);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function openAndLock(path: string, shown: string): number {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o600);
  } catch (error) {
    throw new SuperviseError('file-unusable', `unable to open ${shown}: ${describeCause(error)}`, { cause: error });
  }
  restrictMode(fd);
  let locked: boolean;
  try {
    locked = tryFlock(fd, 'exclusive');
  } catch (error) {
    closeSync(fd);
    throw new SuperviseError('file-unusable', `unable to lock ${shown}: ${describeCause(error)}`, { cause: error });
  }
  if (!locked) {
    closeSync(fd);
    throw heldLockError(path, shown);
  }
  return fd;
}

function heldLockError(path: string, shown: string): SuperviseError {
  const holders = findLockHolders(path);
  const who = holders.length > 0 ? `pid ${holders.join(', ')}` : 'another process';
  return new SuperviseError('lock-held', `unable to lock ${shown}: held by supervise ${who}`);
}

/**
 * Before the daemon starts: fails with the holder's pid when a flock is held
 * on `path`, taking no lock itself (a racing daemon must never find this
 * process as the holder). /proc/locks names the file by device and inode.
 * The daemon's own lock decides; this only spares a loser a daemon's start.
 */
export function refuseHeldLock(path: string, shown: string = path): void {
  let target: { dev: number; ino: number };
  try {
    target = statSync(path);
  } catch {
    return;
  }
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return;
  }
  // glibc's dev_t: minor in bits 0-7 and 20-31, major in bits 8-19 (and above 32).
  const major = Math.floor(target.dev / 256) % 4096 + Math.floor(target.dev / 2 ** 32) * 4096;
  const minor = (target.dev % 256) + (Math.floor(target.dev / 2 ** 20) % 4096) * 256;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const id = ` ${hex(major)}:${hex(minor)}:${target.ino} `;
  if (locks.split('\n').some((line) => line.includes(' FLOCK ') && line.includes(id))) throw heldLockError(path, shown);
}

/**
 * A `lock` left by another user stays theirs (and they may chmod it, or hold
 * it open, to keep every later supervise out): put a file of our own in its
 * place. Ours is locked before the rename and the old one stays locked until
 * after it, so a racing supervise finds a held lock at the path all along.
 */
function replaceForeignLock(path: string, foreignFd: number, shown: string): number {
  const fresh = `${path}.new`;
  try {
    unlinkSync(fresh);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw lockFailure('replace', shown, error);
  }
  const fd = openAndLock(fresh, `${shown}.new`);
  try {
    renameSync(fresh, path);
  } catch (error) {
    closeSync(fd);
    throw lockFailure('replace', shown, error);
  }
  closeSync(foreignFd);
  return fd;
}

function lockFailure(verb: string, shown: string, error: unknown): SuperviseError {
  return new SuperviseError('file-unusable', `unable to ${verb} ${shown}: ${describeCause(error)}`, { cause: error });
}

/** SPEC section 3: lock is 0600, even when an older file was looser; not ours to change, it stays. */
function restrictMode(fd: number): void {
  try {
    if ((fstatSync(fd).mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
  } catch {
    // Owned by someone else (EPERM): locking it is still right.
  }
}

/**
 * Pids whose open file holds the flock on `path`. /proc/locks names the pid
 * that took the lock, which is the foreground supervise that has since handed
 * the descriptor to the daemon and exited; the lock line in
 * /proc/PID/fdinfo/FD follows the descriptor, so it names the daemon.
 */
export function findLockHolders(path: string): number[] {
  let target: { dev: number; ino: number };
  try {
    target = statSync(path);
  } catch {
    return [];
  }
  const holders: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const stat = statSync(`/proc/${entry}/fd/${fd}`);
        if (!isSameFile(stat, target)) continue;
        if (/^lock:/m.test(readFileSync(`/proc/${entry}/fdinfo/${fd}`, 'utf8'))) {
          holders.push(Number(entry));
          break;
        }
      } catch {
        // The process or descriptor went away while we looked.
      }
    }
  }
  return holders;
}
