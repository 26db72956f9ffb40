// `logs -f`: keeps printing what is appended to __stdout or __stderr, like
// `tail -F`: the service reopens the same file across restarts, but another
// tool may truncate it or remove and re-create it, and supervise itself
// rotates it in piped mode.
import { closeSync, fstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { describeCause } from '../core/supervise-error.js';
import { isSameFile } from '../io/same-file.js';
import { CtlError, hasErrorCode } from './ctl-error.js';

export interface FollowLogOptions {
  readonly path: string;
  /** The file already open, or null when it did not exist yet. */
  readonly fd: number | null;
  /** Offset up to which the open file was printed. */
  readonly position: number;
  readonly write: (bytes: Uint8Array) => void;
  /** Ends the follow (SIGINT, SIGTERM). */
  readonly signal: AbortSignal;
  readonly intervalMs?: number;
}

// Polling, not fs.watch: it sees a re-created file and works on every
// filesystem; a quarter second is how fast tail -F looks.
const DEFAULT_INTERVAL_MS = 250;
const READ_SIZE = 64 * 1024;

function statOrNull(path: string): BigIntStats | null {
  try {
    return statSync(path, { bigint: true });
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return null;
    throw new CtlError('system', `unable to stat ${path}: ${describeCause(error)}`, { cause: error });
  }
}

/** Opens a service output file for reading; null when it does not exist yet (a service that never wrote has none). */
export function openLogOrNull(path: string): number | null {
  try {
    return openSync(path, 'r');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return null;
    throw new CtlError('system', `unable to open ${path}: ${describeCause(error)}`, { cause: error });
  }
}

/** Writes everything from `position` to the end; returns the new position. */
function drain(fd: number, position: number, write: (bytes: Uint8Array) => void): number {
  const buffer = Buffer.alloc(READ_SIZE);
  let offset = position;
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    if (read === 0) return offset;
    write(buffer.subarray(0, read));
    offset += read;
  }
}

/** Backups a rotating supervise keeps at most in practice; the search stops at the first gap. */
const MAX_BACKUPS_SEARCHED = 1000;
/** How long a rotation under way (a gap among NAME.1 ... NAME.K) is waited for, a look at a time. */
const ROTATION_SETTLE_LOOKS = 50;
const ROTATION_SETTLE_MS = 10;

/**
 * Where the old file went: `found` with its index K (NAME.K), `gone` when the
 * search reached the end of the backups without it (deleted, or not rotated
 * but removed), or `moving` when NAME.1 ... is caught in a rotation: renames
 * run from the oldest down, so a gap below the old file lasts a moment.
 */
function findRotated(path: string, old: BigIntStats): { kind: 'found'; index: number } | { kind: 'gone' } | { kind: 'moving' } {
  for (let index = 1; index <= MAX_BACKUPS_SEARCHED; index += 1) {
    const backup = statOrNull(`${path}.${index}`);
    if (backup === null) return statOrNull(`${path}.${index + 1}`) === null ? { kind: 'gone' } : { kind: 'moving' };
    if (isSameFile(backup, old)) return { kind: 'found', index };
  }
  return { kind: 'gone' };
}

/** Walks after a file that was rotated away at most this many times while rotations go on, then gives up on order. */
const MAX_CATCH_UP_ROUNDS = 100;

/**
 * Piped mode rotates NAME to NAME.1 (SPEC section 12). When it rotated more
 * than once between two looks, the old file is now NAME.K and NAME.K-1 ...
 * NAME.1 were written and rotated in between: they are printed whole, oldest
 * first, then NAME is opened, and the descriptor of NAME is returned. Each
 * file is printed only once the file just printed (or the old one) is seen
 * still at the next index up, so a rotation during the walk is caught, and the
 * walk starts again from the last file printed: nothing skipped, nothing twice.
 */
async function catchUpRotations(path: string, old: BigIntStats, write: (bytes: Uint8Array) => void, signal: AbortSignal): Promise<number | null> {
  let last = old;
  for (let round = 0; round < MAX_CATCH_UP_ROUNDS && !signal.aborted; round += 1) {
    let where = findRotated(path, last);
    for (let look = 0; where.kind === 'moving' && look < ROTATION_SETTLE_LOOKS && !signal.aborted; look += 1) {
      await sleepFor(ROTATION_SETTLE_MS);
      where = findRotated(path, last);
    }
    if (where.kind !== 'found') break;
    for (let index = where.index; index >= 1; index -= 1) {
      // The file after `last`: NAME.(index-1), or NAME itself after NAME.1.
      const fd = openLogOrNull(index === 1 ? path : `${path}.${index - 1}`);
      const stillThere = statOrNull(`${path}.${index}`);
      if (fd === null || stillThere === null || !isSameFile(stillThere, last)) {
        if (fd !== null) closeSync(fd);
        break;
      }
      if (index === 1) return fd;
      try {
        drain(fd, 0, write);
        last = fstatSync(fd, { bigint: true });
      } finally {
        closeSync(fd);
      }
    }
  }
  return openLogOrNull(path);
}

export async function followLog(options: FollowLogOptions): Promise<void> {
  const { path, write, signal } = options;
  let fd = options.fd;
  let position = options.position;
  try {
    while (!signal.aborted) {
      if (fd !== null) {
        // Truncated in place (`: > __stdout`): what follows starts at 0.
        if (fstatSync(fd).size < position) position = 0;
        position = drain(fd, position, write);
      }
      const current = statOrNull(path);
      const replaced = current !== null && (fd === null || !isSameFile(current, fstatSync(fd, { bigint: true })));
      if (replaced) {
        // Removed and re-created: the old file may have had a last word.
        if (fd !== null) {
          drain(fd, position, write);
          const old = fstatSync(fd, { bigint: true });
          closeSync(fd);
          fd = await catchUpRotations(path, old, write, signal);
        } else {
          fd = openLogOrNull(path);
        }
        position = 0;
        continue;
      }
      try {
        await sleepFor(options.intervalMs ?? DEFAULT_INTERVAL_MS, undefined, { signal });
      } catch {
        // Aborted: the caller asked to stop; nothing went wrong.
      }
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
