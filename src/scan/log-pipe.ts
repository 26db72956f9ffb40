// The pipe from a service's stdout to its log service's stdin (SPEC section
// 13). supervise-scan holds both ends for the service's whole life, so
// either side can restart without the other seeing end-of-file or EPIPE and
// without a byte lost: what is in the pipe waits there for the next reader.
// Both ends are blocking, as a program expects its stdin and stdout to be:
// the read end createOutputPipe makes non-blocking (for supervise's own
// reading) is opened again through /proc/self/fd/N, a new open of the same
// pipe, as src/io/service-output.ts does for __stdout.
import { closeSync, constants, openSync } from 'node:fs';
import { createOutputPipe } from '../io/output-pipe.js';

export interface LogPipe {
  /** The log service's fd 0. */
  readonly readFd: number;
  /** The service's fd 1. */
  readonly writeFd: number;
  /** Once the service has ended for good: the log service then reads to end-of-file. */
  closeWriteEnd(): void;
  close(): void;
}

export function createLogPipe(): LogPipe {
  const pipe = createOutputPipe();
  let readFd: number;
  try {
    // The write end is open, so this open of the FIFO for reading returns at once.
    readFd = openSync(`/proc/self/fd/${pipe.readFd}`, constants.O_RDONLY);
  } catch (error) {
    closeSync(pipe.writeFd);
    throw error;
  } finally {
    closeSync(pipe.readFd);
  }
  let writeOpen = true;
  let readOpen = true;
  const closeWriteEnd = () => {
    if (writeOpen) closeSync(pipe.writeFd);
    writeOpen = false;
  };
  return {
    readFd,
    writeFd: pipe.writeFd,
    closeWriteEnd,
    close() {
      closeWriteEnd();
      if (readOpen) closeSync(readFd);
      readOpen = false;
    },
  };
}
