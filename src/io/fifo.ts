// The `control` and `ok` FIFOs (SPEC section 3).
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, lstatSync, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';

/**
 * Whether `path` must be created: false for a FIFO of ours already there (its
 * mode tightened to 0600), true after removing anything else or finding nothing.
 */
function clearForFifo(path: string): boolean {
  try {
    const stat = lstatSync(path);
    // A FIFO of another user stays theirs whatever its mode (they may chmod it
    // back, or hold it open): only a new one shuts them out.
    if (stat.isFIFO() && stat.uid === process.geteuid?.()) {
      // One left by an older supervise or by hand may let anyone send commands.
      if ((stat.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
      return false;
    }
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return true;
}

// Node has no mkfifo(3); the coreutils command is the portable way, given argv, no shell.
const MKFIFO_ARGS = ['-m', '600', '--'];

/** Makes sure `path` is a FIFO with mode 0600; anything else there is replaced. */
export function ensureFifo(path: string): void {
  if (clearForFifo(path)) execFileSync('mkfifo', [...MKFIFO_ARGS, path], { stdio: 'ignore' });
}

/** ensureFifo for several paths with one mkfifo at most: supervise-scan makes two for each of many services, and every exec costs tens of milliseconds on a busy host. */
export function ensureFifos(paths: readonly string[]): void {
  const missing = paths.filter(clearForFifo);
  if (missing.length > 0) execFileSync('mkfifo', [...MKFIFO_ARGS, ...missing], { stdio: 'ignore' });
}

export interface ControlReader {
  /** The FIFO's descriptor, to tell whether its path still names it. */
  readonly fd: number;
  close(): void;
}

/**
 * Reads control bytes without blocking the event loop. Opening read-write
 * makes supervise a writer too, so the FIFO never reports end-of-file when
 * the last `echo d > control` closes, and the open itself never blocks.
 */
export function openControlFifo(path: string, onBytes: (bytes: Buffer) => void, onError: (error: Error) => void): ControlReader {
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('data', onBytes);
  socket.on('error', onError);
  return {
    fd,
    close() {
      socket.destroy();
    },
  };
}

/**
 * Holds `ok` open for reading, so a non-blocking open for writing succeeds
 * exactly while supervise runs; nothing is ever read from it.
 */
export function holdOkFifo(path: string): { readonly fd: number; close(): void } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return {
    fd,
    close() {
      closeSync(fd);
    },
  };
}
