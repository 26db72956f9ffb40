// One service under supervision: its held status directory, config, FIFOs,
// keeper, status and metrics writers, outputs, the adapters and the
// Supervisor, set up top to bottom in a fixed order, as daemontools' main
// does. Nothing here is per process: the per-service daemon holds one of
// these (src/daemon/run-daemon.ts) and supervise-scan one per service
// directory (src/scan/). After set-up the event loop only waits on the
// control FIFO, the child and timers; every decision is the machine's
// (src/core/supervisor-machine.ts).
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { readStderrTail } from '../alarm/read-stderr-tail.js';
import type { AlarmReport } from '../alarm/render-alarm.js';
import { decodeControlChunk, describeUnknownLetters } from '../codec/control-chunk.js';
import { encodeSupervisorStatus } from '../codec/status-codec.js';
import { encodeStatusJson, STATUS_JSON_FILE, type StatusJsonFacts } from '../codec/status-json.js';
import { loadConfig } from '../config/load-config.js';
import type { ModuleConfig } from '../config/module-config.js';
import { describeCause } from '../core/supervise-error.js';
import type { MachineConfig, SupervisorState } from '../core/supervisor-machine.js';
import type { HandoffResult } from '../io/daemon-handoff.js';
import { ensureFifos, holdOkFifo } from '../io/fifo.js';
import { HeldStatusDir } from '../io/held-status-dir.js';
import { findPreviousLeftovers, findPreviousService } from '../io/previous-service.js';
import { isSameProcessRunning, readProcStat, ticksToUnixMs } from '../io/proc-process.js';
import { listSessionProcesses, signalSessionProcesses } from '../io/session-processes.js';
import { pauseAfterSpawnForTests } from '../io/test-switches.js';
import { noteServiceStarted } from '../io/heap-upkeep.js';
import { runRestartHook } from '../io/restart-hook.js';
import { ServiceOutputError } from '../io/service-output.js';
import { signalService, startService } from '../io/service-process.js';
import { prepareLaunch, type LaunchContext } from '../io/service-launch.js';
import { writeFileAtomically, writeStatusFiles } from '../io/status-file.js';
import { systemClock } from '../io/system-clock.js';
import { DeferredLogger, type LevelLogger } from '../log/deferred-logger.js';
import { Supervisor, type SupervisorAdapters } from '../supervisor.js';
import { MetricsWriter } from './metrics-writer.js';
import { ServiceOutputs } from './service-outputs.js';
import { StatusDirKeeper } from './status-dir-keeper.js';

export interface ServiceSupervisionOptions {
  /** The status directory as given (messages, status.json); opened and held by inode. */
  statusDir: string;
  /** Module name: supervise.conf section and alarms. */
  name: string;
  command: readonly string[];
  /** The command's executable, resolved before. */
  executable: string;
  configPath: string;
  restartHook: string | null;
  restartHookResetSeconds: number;
  /** The status directory's `lock`, already held. */
  lockFd: number;
  /** The channel to a foreground supervise waiting for the first start; null for none. */
  report: ((result: HandoffResult) => void) | null;
  nofile: LaunchContext['nofile'];
  /** Working directory of the service when `directory` is not set; null: supervise's own. */
  workingDir?: string | null;
  /** fd 0 of the service (a log service's end of its pipe, SPEC section 13); null: /dev/null. */
  stdinFd?: number | null;
  /** fd 1 of the service instead of __stdout (the pipe to its log service). */
  stdoutFd?: number | null;
  /** Start with want down (supervise-scan's `down` file). */
  wantDown?: boolean;
  /**
   * Each start in a session of its own (SPEC section 11): the service's
   * processes are told apart by session, supervise's own when it leads one
   * (the daemon), else a new one per start (--foreground, supervise-scan).
   */
  ownSession: boolean;
  /** false: a removed status directory is made again only in a parent that still stands (supervise-scan). */
  recreateParents?: boolean;
}

export interface ServiceSupervision {
  readonly name: string;
  /** The status directory as given. */
  readonly statusDir: string;
  /** Control letters from supervise itself (not the FIFO): `r` to reload, `x` to exit once down... */
  control(letters: string): void;
  /** supervise's own SIGTERM or SIGINT: as `d` then `x` (SPEC section 9). */
  terminate(signal: 'SIGTERM' | 'SIGINT'): void;
  notice(message: string): void;
  /** Resolves with the exit code once the service is down and every file of the directory is released. */
  readonly finished: Promise<number>;
}

export function superviseService(options: ServiceSupervisionOptions): ServiceSupervision {
  const { name, executable, nofile } = options;
  const dir = resolve(options.statusDir);
  // Every file is reached through the directory held open, wherever it is moved to.
  const held = new HeldStatusDir(dir, options.recreateParents ?? true);
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((done) => (finish = done));

  // The log: lines are kept in memory until winston loads, after the first start (attachLogFiles).
  const logger = new DeferredLogger();
  logger.notice(`supervise ${name} started, pid ${process.pid}, command ${JSON.stringify(options.command)}`);

  const loaded = loadConfig(options.configPath, name);
  for (const warning of loaded.warnings) logger.warning(warning);
  logger.notice(`config ${options.configPath}: ${loaded.loaded.join(', ')}`);

  ensureFifos([held.file('control'), held.file('ok')]);
  const ok = holdOkFifo(held.file('ok'));

  const firstStart = new FirstStart(options.report, logger, () => held.root);
  const alarms = new PendingAlarms();
  const { ownSession } = options;
  const superviseStartedAt = ticksToUnixMs(readProcStat(process.pid)?.startTicks ?? 0);
  const outputs = new ServiceOutputs(held, logger, systemClock.now);
  const statusWriter = new StatusWriter(held, logger, systemClock, {
    statusDir: dir,
    supervisePid: process.pid,
    command: options.command,
    superviseStartedAt,
  });
  // metrics_dir files follow every status write (SPEC section 14).
  const metricsWriter = new MetricsWriter(logger, systemClock, { statusDir: dir, supervisePid: process.pid, command: options.command, superviseStartedAt });
  const writeState = (state: SupervisorState): boolean => {
    const written = statusWriter.write(state);
    metricsWriter.write(state);
    return written;
  };
  // Holds the lock and FIFOs, repairs the directory, and hands each read of control to the supervisor.
  const keeper = new StatusDirKeeper({
    dir: held,
    lockFd: options.lockFd,
    ok,
    onControlBytes(bytes) {
      const chunk = decodeControlChunk(bytes);
      supervisor.dispatch({ kind: 'control', runs: chunk.runs, at: supervisor.now() });
      const unknown = describeUnknownLetters(chunk);
      if (unknown !== null) logger.notice(unknown);
    },
    logger,
    rewriteStatus: () => writeState(supervisor.current),
  });


  const adapters: SupervisorAdapters = {
    clock: systemClock,
    logger,
    writeStatus: (state) => keeper.writeStatus(() => writeState(state)),
    startService(callbacks) {
      // SPEC section 15: user, limits, environment... as they are at this start.
      const launch = prepareLaunch(supervisor.current.config.settings, { executable, argv: options.command, nofile });
      if (!launch.ok) {
        firstStart.attempted();
        callbacks.onStartFailed(launch.reason, 'settings');
        return null;
      }
      const start = () =>
        startService({
          launch: launch.plan,
          executable,
          argv: options.command,
          output: serviceOutput(held),
          shownOutput: serviceOutput(held, 'shown'),
          outputFds: outputs.forStart(supervisor.current.config.settings),
          stdinFd: options.stdinFd ?? null,
          stdoutFd: options.stdoutFd ?? null,
          cwd: options.workingDir ?? null,
          onExit: callbacks.onExit,
          onStartFailed: (reason) => callbacks.onStartFailed(reason, 'exec'),
          readyFd: supervisor.current.config.settings.readyFd,
          onReady: callbacks.onReady,
          ownSession,
        });
      // status.json names this supervise and its start before anything starts, so a SIGKILL at any moment
      // leaves the next one its session to clean; not earlier, so what a previous supervise left is reclaimed first.
      statusWriter.recordBeforeFirstStart(supervisor.current);
      try {
        try {
          return noteStarted(pauseAfterSpawnForTests(start()));
        } catch (error) {
          // The directory the outputs are opened in was removed (inotify may not have said so yet):
          // re-create it and try once more. Looking first at every start would slow every restart.
          if (!isMissingDirectory(error)) throw error;
          keeper.check(false);
          return noteStarted(start());
        }
      } catch (error) {
        // __stdout or __stderr cannot be opened (a directory, another user's file, a FIFO nobody reads).
        if (!(error instanceof ServiceOutputError)) throw error;
        callbacks.onStartFailed(error.message, 'output');
        return null;
      } finally {
        firstStart.attempted();
      }
    },
    signalService,
    sessionOf: (pid) => (ownSession ? pid : process.pid),
    countSessionProcesses: (session) => listSessionProcesses(session).length,
    signalSession: (session, signal) => void signalSessionProcesses(session, signal),
    isProcessRunning: isSameProcessRunning,
    sendAlarm(effect, state) {
      // The tail is read now, at the exit; the senders (render, mail, gsm) load on the first alarm.
      const report: AlarmReport = {
        kind: effect.alarm,
        host: hostname(),
        module: name,
        statusDir: dir,
        command: [...options.command],
        pid: effect.exit.pid,
        exit: effect.exit,
        window: {
          exits: effect.window.exits,
          coreDumps: effect.window.coreDumps,
          seconds: state.config.settings.alarmInterval,
          openedAt: effect.window.openedAt,
        },
        next: effect.next,
        stderrTail: readStderrTailSafely(serviceOutput(held).stderr),
        at: effect.exit.at,
      };
      alarms.send(report, state.config.settings, logger);
    },
    reloadConfig() {
      const next = loadConfig(options.configPath, name, 'reload');
      for (const warning of next.warnings) logger.warning(warning);
      // Only an unreadable file or an unparsable line refuses; notes about legal lines were warned above.
      if (next.reloadRefusal !== null) {
        logger.warning(`config ${options.configPath} not reloaded: keeping the values in force (${next.reloadRefusal})`);
        return null;
      }
      logger.notice(`config ${options.configPath} reloaded: ${next.loaded.join(', ')}`);
      return machineConfig(next.config, options);
    },
    runRestartHook(count, done) {
      const hook = options.restartHook as string;
      logger.notice(`running restart hook ${hook} ${count}`);
      runRestartHook(hook, count, serviceOutput(held), serviceOutput(held, 'shown'), (outcome) => {
        // A hook that failed is something to look at; one that exited 0 is routine.
        if (outcome.ok) logger.notice(`restart hook ${hook} ${outcome.text}`);
        else logger.warning(`restart hook ${hook} ${outcome.text}`);
        done();
      });
    },
    reportStart: (report) => firstStart.report(report),
    exit: shutdown,
    rotateOutput: () => outputs.rotate(),
  };

  const supervisor = new Supervisor(
    { name, program: options.command[0], config: machineConfig(loaded.config, options), callerWaiting: options.report !== null, wantDown: options.wantDown === true },
    adapters,
  );

  // A service left running by a supervise killed with SIGKILL is stopped before the first start.
  const previous = findPreviousService(dir, { argv: options.command, executable });
  const leftovers = findPreviousLeftovers(dir);
  supervisor.dispatch({ kind: 'boot', at: supervisor.now(), previous, leftovers });
  // Want down from the start (a `down` file): nothing started, so status is written here, for od and supervisectl.
  if (supervisor.current.phase === 'down') adapters.writeStatus(supervisor.current);

  /**
   * Releases the lock and `ok` at once, so a new supervise may start, but lets
   * alarms under way (the gave-up mail above all) finish: each send gives up
   * by itself after 30 s.
   */
  function shutdown(code: number): void {
    firstStart.attempted();
    // Drained before the lock goes: a new supervise must not rotate files this one still writes.
    void outputs
      .drain()
      .catch((error: unknown) => logger.warning(`unable to write the last output of the service: ${describeCause(error)}`))
      .finally(() => release(code));
  }

  function release(code: number): void {
    keeper.close();
    void Promise.allSettled([alarms.settled(), firstStart.logFilesAttached])
      .then(() => logger.close())
      .finally(() => {
        // Last: the log files are reached through the held directory.
        held.close();
        finish(code);
      });
  }

  return {
    name,
    statusDir: options.statusDir,
    control(letters) {
      supervisor.dispatch({ kind: 'control', runs: decodeControlChunk(Buffer.from(letters)).runs, at: supervisor.now() });
    },
    terminate(signal) {
      supervisor.dispatch({ kind: 'terminate', signal, at: supervisor.now() });
    },
    notice: (message) => logger.notice(message),
    finished,
  };
}

function machineConfig(settings: ModuleConfig, options: Pick<ServiceSupervisionOptions, 'restartHook' | 'restartHookResetSeconds'>): MachineConfig {
  return { settings, restartHook: options.restartHook !== null, hookResetSeconds: options.restartHookResetSeconds };
}

/**
 * Where fd 1 and 2 of the service (and of the hook) are opened: through the
 * held directory; 'shown' names them by the status directory's path, for messages.
 */
function serviceOutput(held: HeldStatusDir, as: 'opened' | 'shown' = 'opened'): { stdout: string; stderr: string } {
  const path = (name: string) => (as === 'opened' ? held.file(name) : held.shownFile(name));
  return { stdout: path('__stdout'), stderr: path('__stderr') };
}

function isMissingDirectory(error: unknown): boolean {
  return error instanceof ServiceOutputError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** An unreadable __stderr must not keep the alarm from going out. */
function readStderrTailSafely(path: string): string[] {
  try {
    return readStderrTail(path);
  } catch (error) {
    return [`(${describeCause(error)})`];
  }
}

/**
 * The first start, as the foreground supervise waits for it: winston loads
 * only once it was tried (off the start-up path), and the caller hears of a
 * service that runs once the log holds its lines.
 */
class FirstStart {
  private markAttempted: () => void = () => {};
  readonly logFilesAttached: Promise<void>;

  constructor(
    private channel: ((result: HandoffResult) => void) | null,
    logger: DeferredLogger,
    dir: () => string,
  ) {
    const attempted = new Promise<void>((resolve) => (this.markAttempted = resolve));
    this.logFilesAttached = attachLogFiles(logger, dir, attempted);
  }

  attempted(): void {
    this.markAttempted();
  }

  report(result: HandoffResult): void {
    const channel = this.channel;
    this.channel = null;
    if (channel === null) return;
    if (result.ok) void this.logFilesAttached.then(() => channel(result));
    else channel(result);
  }
}

/** Loads winston and points the deferred logger at supervise.log and supervise.log.wf. */
async function attachLogFiles(logger: DeferredLogger, dir: () => string, firstStartTried: Promise<void>): Promise<void> {
  await firstStartTried;
  try {
    const { createSuperviseLogger } = await import('../log/create-logger.js');
    // Fails while the status directory is missing; the logger retries at its next line.
    logger.attach((now) => createSuperviseLogger({ dir, now }));
  } catch {
    // Only a broken installation gets here: supervision goes on without log files.
  }
}

/** Alarms are fire and forget, but supervise waits for those under way before it exits. */
class PendingAlarms {
  private readonly pending = new Set<Promise<void>>();

  send(report: AlarmReport, target: ModuleConfig, logger: LevelLogger): void {
    const delivery = import('../alarm/deliver-alarm.js').then(
      ({ deliverAlarm }) => deliverAlarm(report, target, logger),
      (error: unknown) => logger.warning(`unable to send the alarm: ${describeCause(error)}`),
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pending]);
  }
}

/** Writes `status` and status.json; a failure is a WARNING once per streak, and supervision goes on. */
class StatusWriter {
  private warned = false;
  /** Whether status.json names this supervise yet. */
  private recorded = false;

  constructor(
    private readonly held: HeldStatusDir,
    private readonly logger: LevelLogger,
    private readonly clock: { now(): number },
    private readonly facts: StatusJsonFacts,
  ) {}

  /** status.json alone, before the first start: `status` keeps what the previous supervise left until this one has a pid. */
  recordBeforeFirstStart(state: SupervisorState): void {
    if (this.recorded) return;
    this.recorded = true;
    try {
      writeFileAtomically(join(this.held.root, STATUS_JSON_FILE), encodeStatusJson(state, this.facts, this.clock.now()));
    } catch (error) {
      this.logger.warning(`unable to write ${this.held.shownFile(STATUS_JSON_FILE)}: ${describeCause(error)}`);
    }
  }

  write(state: SupervisorState): boolean {
    try {
      writeStatusFiles(this.held.root, encodeSupervisorStatus(state), encodeStatusJson(state, this.facts, this.clock.now()));
      this.recorded = true;
      this.warned = false;
      return true;
    } catch (error) {
      if (!this.warned) this.logger.warning(`unable to write ${this.held.shownFile('status')}: ${describeCause(error)}`);
      this.warned = true;
      return false;
    }
  }
}

/** A spawned service counts towards the process's next full collection (src/io/heap-upkeep.ts). */
function noteStarted(pid: number | null): number | null {
  if (pid !== null) noteServiceStarted();
  return pid;
}
