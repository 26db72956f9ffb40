// supervisectl entry point: parse, run, map errors to exit codes. The only
// place that touches process.exit, stdout and signals.
// First: no inspector, whatever signal or environment we were given.
import '../io/refuse-inspector.js';
import { writeSync } from 'node:fs';
import { parseSupervisectlArgs } from '../cli/supervisectl-options.js';
import { EXIT_ONE_FAILED, EXIT_USAGE } from '../core/exit-codes.js';
import { describeCause } from '../core/supervise-error.js';
import type { CtlCommand } from '../ctl/ctl-command.js';
import { completeStatusDirs } from '../ctl/complete-status-dirs.js';
import { CtlError } from '../ctl/ctl-error.js';
import { runSupervisectl } from '../ctl/run-supervisectl.js';
import { findNonUtf8Argument } from '../io/argument-encoding.js';

/** Synchronous writes: every byte is out before process.exit, even into a pipe. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      // A non-blocking pipe that is full: try again until the reader catches up.
      if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
    }
  }
}

/** The one place that names the program in front of a message. */
function complain(message: string): void {
  writeAll(2, `supervisectl: ${message}\n`);
}

async function main(): Promise<number> {
  const nonUtf8 = findNonUtf8Argument();
  if (nonUtf8 !== null) {
    complain(`unable to use argument "${nonUtf8}": not valid UTF-8`);
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  let options: CtlCommand;
  try {
    options = parseSupervisectlArgs(process.argv.slice(2), completeStatusDirs);
  } catch (error) {
    if (error instanceof CtlError) {
      complain(error.message);
      return error.exitCode;
    }
    throw error;
  }
  // Only `logs -f` and `serve` run until told to stop; SIGINT and SIGTERM end them with 0.
  if ((options.verb === 'logs' && options.follow) || options.verb === 'serve') {
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  let readerGone = false;
  const writeOut = (data: string | Uint8Array): void => {
    if (readerGone) return;
    try {
      writeAll(1, data);
    } catch (error) {
      // `supervisectl logs -f | head`: the reader has all it wanted.
      if ((error as { code?: unknown }).code !== 'EPIPE') throw error;
      readerGone = true;
      controller.abort();
    }
  };
  try {
    return await runSupervisectl(options, {
      writeOut,
      writeErr: (text) => writeAll(2, text),
      complain,
      now: Date.now,
      signal: controller.signal,
    });
  } catch (error) {
    if (error instanceof CtlError) {
      complain(error.message);
      return error.exitCode;
    }
    complain(describeCause(error));
    return EXIT_ONE_FAILED;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    try {
      complain(describeCause(error));
    } finally {
      process.exit(EXIT_ONE_FAILED);
    }
  },
);
