// A pipe for the service's fd 1 or 2 (SPEC section 12). Node has no pipe(2),
// so this is a FIFO made in a private directory, opened at both ends and
// unlinked at once: what is left is an ordinary anonymous pipe. A FIFO also
// gives what pipe(2) would not: its two ends are separate opens, so the read
// end can be non-blocking for the event loop while the write end the service
// inherits stays blocking (O_NONBLOCK belongs to the open, and Node has no
// fcntl(2) to clear it). supervise keeps the write end for the pipe's whole
// life, so the read end sees no end-of-file between two starts of the service.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OutputPipe {
  /** Non-blocking, close-on-exec: supervise reads it. */
  readonly readFd: number;
  /** Blocking: handed to every start of the service as its fd 1 or 2. */
  readonly writeFd: number;
}

export function createOutputPipe(): OutputPipe {
  const dir = mkdtempSync(join(tmpdir(), 'supervise-pipe-'));
  const path = join(dir, 'pipe');
  try {
    execFileSync('mkfifo', ['-m', '600', '--', path], { stdio: 'ignore' });
    // The read end first: then the blocking open for writing finds a reader and returns at once.
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      return { readFd, writeFd: openSync(path, constants.O_WRONLY) };
    } catch (error) {
      closeSync(readFd);
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
