// ready_fd (SPEC section 15), as s6's notification-fd: the service gets one
// end of a pipe at that descriptor and writes a newline on it once it is
// ready; supervise reads up to the first newline, then closes its end, so a
// service that is ready only once holds nothing of supervise's open.
import type { ChildProcess, StdioNull, StdioPipe } from 'node:child_process';
import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/** The spawn stdio entries after fd 2 that put a pipe at `readyFd`: nothing at 3 .. readyFd-1. */
export function readyPipeStdio(readyFd: number | null): (StdioNull | StdioPipe)[] {
  if (readyFd === null) return [];
  return [...Array.from({ length: readyFd - 3 }, (): StdioNull => 'ignore'), 'pipe'];
}

/** Calls onReady once, at the first newline the service writes on `readyFd`; closes our end then, or when the service exits. */
export function watchReadyPipe(child: ChildProcess, readyFd: number, onReady: () => void): void {
  const pipe = child.stdio[readyFd] as Readable | null | undefined;
  if (!pipe) return;
  const close = () => pipe.destroy();
  // A descendant may keep the write end open after the service exits: stop reading for that start.
  child.once('exit', close);
  pipe.on('error', () => {});
  pipe.on('data', (chunk: Buffer) => {
    if (!chunk.includes(NEWLINE)) return;
    child.off('exit', close);
    close();
    onReady();
  });
}
