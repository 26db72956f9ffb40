// supervise: checks everything it can in the caller's terminal (arguments,
// status directory, lock, executable), then hands the locked descriptor to a
// daemon in its own session and returns once the service runs (SPEC 1-2).
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSuperviseArgs } from '../cli/supervise-options.js';
import { EXIT_LOCK, EXIT_USAGE, SuperviseError, describeCause } from '../core/supervise-error.js';
import { readLogMaxBytes } from '../log/log-max-bytes.js';
import type { DaemonPayload } from '../daemon/run-daemon.js';
import { launchDaemon } from '../io/daemon-handoff.js';
import { acquireLock } from '../io/lock-file.js';
import { resolveExecutable } from '../io/resolve-executable.js';
import { prepareStatusDir } from '../io/status-dir.js';

function checkLogFilesWritable(dir: string): void {
  for (const file of ['supervise.log', 'supervise.log.wf']) {
    const path = join(dir, file);
    try {
      closeSync(openSync(path, 'a', 0o600));
    } catch (error) {
      throw new SuperviseError(`supervise: unable to open ${path}: ${describeCause(error)}`, EXIT_LOCK, { cause: error });
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSuperviseArgs(argv);
  if (parsed.kind === 'print') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  const { options } = parsed;
  try {
    readLogMaxBytes();
  } catch (error) {
    throw new SuperviseError(`supervise: ${(error as Error).message}`, EXIT_USAGE);
  }
  const executable = resolveExecutable(options.command[0], process.env.PATH, process.cwd());
  prepareStatusDir(options.statusDir);
  const lockFd = acquireLock(join(options.statusDir, 'lock'));
  checkLogFilesWritable(options.statusDir);
  const payload: DaemonPayload = { options, executable };

  if (options.foreground) {
    const { runDaemon } = await import('../daemon/run-daemon.js');
    runDaemon(payload, { lockFd, report: null, inherited: [] });
    return -1;
  }
  const daemonScript = fileURLToPath(new URL('./supervise-daemon.mjs', import.meta.url));
  const result = await launchDaemon(daemonScript, argv, lockFd, payload);
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    return result.exitCode;
  }
  return 0;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof SuperviseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`supervise: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
