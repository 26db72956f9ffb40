// supervise: checks everything it can in the caller's terminal (arguments,
// status directory, lock, executable), then starts a daemon in its own
// session, which takes the lock, and returns once the service runs (SPEC 1-2).
// First: no inspector, whatever signal or environment we were given.
import '../io/refuse-inspector.js';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guessDaemonRun } from '../cli/pre-scan.js';
import type { SuperviseOptions } from '../cli/supervise-options.js';
import { EXIT_SUCCESS, EXIT_UNEXPECTED } from '../core/exit-codes.js';
import { SuperviseError, describeCause } from '../core/supervise-error.js';
import { NOTICE_LOG_FILE, readLogMaxBytes, WARNING_LOG_FILE } from '../log/log-files.js';
import type { DaemonPayload } from '../daemon/run-daemon.js';
import { findNonUtf8Argument, findNonUtf8WorkingDirectory } from '../io/argument-encoding.js';
import { spawnDaemon, type DaemonLaunch, type HandoffResult } from '../io/daemon-handoff.js';
import { acquireLock, refuseHeldLock } from '../io/lock-file.js';
import { resolveExecutable } from '../io/resolve-executable.js';
import { checkServiceOutputs } from '../io/service-output.js';
import { setSuperviseTitle } from '../io/process-title.js';
import { prepareStatusDir } from '../io/status-dir.js';

/** The log files and the service's output files, opened as the daemon will open them, so a failure is reported here. */
function checkFilesWritable(dir: string): void {
  for (const file of [NOTICE_LOG_FILE, WARNING_LOG_FILE]) {
    const path = join(dir, file);
    try {
      closeSync(openSync(path, 'a', 0o600));
    } catch (error) {
      throw new SuperviseError('file-unusable', `unable to open ${path}: ${describeCause(error)}`, { cause: error });
    }
  }
  try {
    checkServiceOutputs(dir);
  } catch (error) {
    throw new SuperviseError('file-unusable', (error as Error).message, { cause: error });
  }
}

/** The -r hook must be runnable as the command is: a typo is exit 112 here, not a WARNING after every exit. */
function checkRestartHook(hook: string): void {
  resolveExecutable(hook, process.env.PATH, process.cwd(), `restart hook ${hook}`);
}

/** A daemon launched before yargs had looked at the arguments, with what it holds. */
interface EarlyDaemon {
  statusDir: string;
  launch: DaemonLaunch;
  /** Dismisses the daemon. */
  abandon(): void;
}

const DAEMON_SCRIPT = fileURLToPath(new URL('./supervise-daemon.mjs', import.meta.url));

/**
 * Node takes tens of milliseconds to boot, and yargs tens more to load: for
 * an ordinary run, take the lock and launch the daemon first, so its Node
 * boots on the other core while yargs checks the arguments here (the daemon
 * takes the lock itself once it has the options). Anything
 * unusual, or any error, returns null and the ordinary path below reports it
 * exactly as it would have.
 */
function startDaemonEarly(argv: readonly string[]): EarlyDaemon | null {
  const guess = guessDaemonRun(argv);
  if (!guess) return null;
  try {
    readLogMaxBytes();
    resolveExecutable(guess.command[0], process.env.PATH, process.cwd());
    if (guess.restartHook !== null) checkRestartHook(guess.restartHook);
    prepareStatusDir(guess.statusDir);
    refuseHeldLock(join(guess.statusDir, 'lock'));
    checkFilesWritable(guess.statusDir);
    // The FIFOs are the daemon's to make, under its lock: two racing
    // supervise making them here would fail each other's mkfifo.
    const launch = spawnDaemon(DAEMON_SCRIPT, argv);
    return {
      statusDir: guess.statusDir,
      launch,
      // Nothing is removed: another supervise may be racing for this directory.
      abandon() {
        launch.dismiss();
      },
    };
  } catch {
    return null;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const nonUtf8 = findNonUtf8Argument();
  if (nonUtf8 !== null) throw new SuperviseError('bad-arguments', `unable to use argument "${nonUtf8}": not valid UTF-8`);
  const nonUtf8Cwd = findNonUtf8WorkingDirectory();
  if (nonUtf8Cwd !== null) throw new SuperviseError('bad-arguments', `unable to use the working directory "${nonUtf8Cwd}": not valid UTF-8`);
  const early = startDaemonEarly(argv);
  let payload: DaemonPayload;
  let options: SuperviseOptions;
  try {
    const { parseSuperviseArgs } = await import('../cli/supervise-options.js');
    const parsed = parseSuperviseArgs(argv);
    if (parsed.kind === 'print') {
      early?.abandon();
      process.stdout.write(`${parsed.text}\n`);
      return EXIT_SUCCESS;
    }
    options = parsed.options;
    payload = { options, executable: resolveExecutable(options.command[0], process.env.PATH, process.cwd()) };
    if (options.restartHook !== null) checkRestartHook(options.restartHook);
    if (early && (early.statusDir !== options.statusDir || options.foreground)) throw new Error('the early guess was wrong');
  } catch (error) {
    early?.abandon();
    if (error instanceof SuperviseError) throw error;
    if (!early) throw error;
    return mainInOrder(argv);
  }
  if (!early) return mainInOrder(argv);
  return reportResult(await early.launch.send(payload));
}

/** The ordinary path: check everything, then lock, then launch. */
async function mainInOrder(argv: readonly string[]): Promise<number> {
  const { parseSuperviseArgs } = await import('../cli/supervise-options.js');
  const parsed = parseSuperviseArgs(argv);
  if (parsed.kind === 'print') {
    process.stdout.write(`${parsed.text}\n`);
    return EXIT_SUCCESS;
  }
  const { options } = parsed;
  try {
    readLogMaxBytes();
  } catch (error) {
    throw new SuperviseError('bad-arguments', (error as Error).message, { cause: error });
  }
  const executable = resolveExecutable(options.command[0], process.env.PATH, process.cwd());
  if (options.restartHook !== null) checkRestartHook(options.restartHook);
  prepareStatusDir(options.statusDir);
  const lockPath = join(options.statusDir, 'lock');
  const payload: DaemonPayload = { options, executable };

  if (options.foreground) {
    const lockFd = acquireLock(lockPath);
    checkFilesWritable(options.statusDir);
    const { runDaemon } = await import('../daemon/run-daemon.js');
    setSuperviseTitle(argv);
    runDaemon(payload, { lockFd, report: null });
    return -1;
  }
  // The daemon takes the lock; a held one is reported here without starting it.
  refuseHeldLock(lockPath);
  checkFilesWritable(options.statusDir);
  return reportResult(await spawnDaemon(DAEMON_SCRIPT, argv).send(payload));
}

function reportResult(result: HandoffResult): number {
  if (!result.ok) {
    process.stderr.write(`supervise: ${result.message}\n`);
    return result.exitCode;
  }
  if (result.warning !== undefined) process.stderr.write(`supervise: WARNING: ${result.warning}\n`);
  return EXIT_SUCCESS;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof SuperviseError) {
    process.stderr.write(`supervise: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`supervise: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(EXIT_UNEXPECTED);
}
