// Set-up of the daemon in one place and a fixed order, as daemontools does:
// descriptors, log, config, FIFOs, supervisor, a service left by a killed
// supervise, signals, first start. After this the event loop only waits on
// the control FIFO, the child and timers.
import { closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { readStderrTail } from '../alarm/read-stderr-tail.js';
import type { AlarmReport } from '../alarm/render-alarm.js';
import type { SuperviseOptions } from '../cli/supervise-options.js';
import { decodeControlChunk, describeUnknownLetters } from '../codec/control-chunk.js';
import { encodeStatus, timestampOf } from '../codec/status-codec.js';
import type { StatusJson } from '../codec/status-json.js';
import { loadConfig } from '../config/load-config.js';
import type { ModuleConfig } from '../config/module-config.js';
import { currentWindow } from '../core/alarm-policy.js';
import { moduleNameOf } from '../core/module-name.js';
import { EXIT_COMMAND, EXIT_LOCK, describeCause } from '../core/supervise-error.js';
import type { MachineConfig, SupervisorState } from '../core/supervisor-machine.js';
import { markCloseOnExec } from '../io/close-on-exec.js';
import { restoreCallerEnvironment } from '../io/daemon-environment.js';
import type { HandoffResult } from '../io/daemon-handoff.js';
import { ensureFifo, holdOkFifo } from '../io/fifo.js';
import { HeldStatusDir } from '../io/held-status-dir.js';
import { closeInheritedDescriptors } from '../io/inherited-descriptors.js';
import { IGNORED_SIGNALS } from '../io/refuse-inspector.js';
import { runRestartHook } from '../io/restart-hook.js';
import { ServiceOutputError } from '../io/service-output.js';
import { signalService, startService } from '../io/service-process.js';
import { writeStatusFiles } from '../io/status-file.js';
import { DeferredLogger, type LevelLogger } from '../log/deferred-logger.js';
import { Supervisor } from '../supervisor.js';
import { reclaimOrphanService } from './reclaim-orphan-service.js';
import { StatusDirKeeper } from './status-dir-keeper.js';

/** What the foreground supervise hands to the daemon. */
export interface DaemonPayload {
  options: SuperviseOptions;
  /** The command's executable, resolved on PATH before daemonizing. */
  executable: string;
}

export interface DaemonDescriptors {
  lockFd: number;
  /** The channel to the foreground supervise; null with --foreground. */
  report: ((result: HandoffResult) => void) | null;
  /** Other inherited descriptors the service must not see. */
  inherited: readonly number[];
}

function toMachineConfig(config: ModuleConfig, options: SuperviseOptions): MachineConfig {
  return {
    limits: {
      alarmInterval: config.alarmInterval,
      maxTries: config.maxTries,
      maxTriesIfCoredumped: config.maxTriesIfCoredumped,
    },
    stopTimeoutSeconds: config.stopTimeout,
    restartHook: options.restartHook !== null,
    hookResetSeconds: options.restartHookResetSeconds,
  };
}

function logConfig(logger: LevelLogger, loaded: { warnings: string[]; loaded: string[] }, path: string): void {
  for (const warning of loaded.warnings) logger.warning(warning);
  logger.notice(`config ${path}: ${loaded.loaded.join(', ')}`);
}

function buildStatusJson(state: SupervisorState, dir: string, options: SuperviseOptions, config: ModuleConfig, now: number): StatusJson {
  const exit = state.lastExit;
  const window = currentWindow(state.window, state.config.limits, now);
  return {
    module: state.name,
    statusDir: dir,
    supervisePid: process.pid,
    pid: state.service?.pid ?? 0,
    state: state.service ? 'up' : 'down',
    since: new Date(state.since).toISOString(),
    want: state.want,
    paused: state.paused && state.service !== null,
    alarms: state.alarmsOn ? 'on' : 'off',
    command: [...options.command],
    starts: state.starts,
    lastExit: exit && {
      code: exit.code,
      signal: exit.signal,
      coreDumped: exit.coreDumped,
      at: new Date(exit.at).toISOString(),
      uptimeSeconds: Math.round(exit.uptimeMs / 100) / 10,
      expected: exit.expected,
    },
    alarmWindow: window && { openedAt: new Date(window.openedAt).toISOString(), exits: window.exits, coreDumps: window.coreDumps },
    limits: {
      alarmInterval: config.alarmInterval,
      maxTries: config.maxTries,
      maxTriesIfCoredumped: config.maxTriesIfCoredumped,
      stopTimeout: config.stopTimeout,
    },
  };
}

/** An unreadable __stderr must not keep the alarm from going out. */
function readStderrTailSafely(path: string): string[] {
  try {
    return readStderrTail(path);
  } catch (error) {
    return [`(${describeCause(error)})`];
  }
}

/** Loads winston and points the deferred logger at supervise.log and supervise.log.wf. */
async function attachLogFiles(logger: DeferredLogger, dir: () => string, firstStartDone: Promise<void>): Promise<void> {
  await firstStartDone;
  try {
    const { createSuperviseLogger } = await import('../log/create-logger.js');
    // Fails while the status directory is missing; the logger retries at its next line.
    logger.attach((now) => createSuperviseLogger({ dir, now }));
  } catch {
    // Only a broken installation gets here: supervision goes on without log files.
  }
}

export function runDaemon(payload: DaemonPayload, descriptors: DaemonDescriptors): void {
  const { options, executable } = payload;
  const dir = resolve(options.statusDir);
  const name = moduleNameOf(options.statusDir);
  // Every file is reached through the directory held open, wherever it is moved to.
  const held = new HeldStatusDir(dir);
  const output = () => ({ stdout: held.file('__stdout'), stderr: held.file('__stderr') });
  const shownOutput = { stdout: held.shownFile('__stdout'), stderr: held.shownFile('__stderr') };

  restoreCallerEnvironment();
  closeInheritedDescriptors([descriptors.lockFd, ...descriptors.inherited]);
  for (const fd of [descriptors.lockFd, ...descriptors.inherited]) markCloseOnExec(fd);
  process.on('SIGHUP', () => {});

  // winston loads after the first start (see attachLogFiles), off the start-up path.
  const logger = new DeferredLogger();
  logger.notice(`supervise ${name} started, pid ${process.pid}, command ${JSON.stringify(options.command)}`);
  // Ignored since the first import (src/io/refuse-inspector.ts); said here, so a sender learns it.
  for (const signal of IGNORED_SIGNALS) process.on(signal, () => logger.notice(`${signal} received: ignored`));
  const loaded = loadConfig(options.configPath, name);
  let config = loaded.config;
  logConfig(logger, loaded, options.configPath);

  ensureFifo(held.file('control'));
  ensureFifo(held.file('ok'));
  const ok = holdOkFifo(held.file('ok'));

  let report = descriptors.report;
  const pendingAlarms = new Set<Promise<void>>();
  let statusWarned = false;
  let keeper: StatusDirKeeper | null = null;

  function writeStatusNow(state: SupervisorState): boolean {
    const { seconds, nanoseconds } = timestampOf(state.since);
    const bytes = encodeStatus({
      seconds,
      nanoseconds,
      paused: state.paused,
      want: state.want,
      alarmsOn: state.alarmsOn,
      pid: state.service?.pid ?? 0,
    });
    try {
      writeStatusFiles(held.root, bytes, buildStatusJson(state, dir, options, config, Date.now()));
      statusWarned = false;
      return true;
    } catch (error) {
      // Supervision goes on without a status file; warn once per failure streak.
      if (!statusWarned) logger.warning(`unable to write ${held.shownFile('status')}: ${describeCause(error)}`);
      statusWarned = true;
      return false;
    }
  }

  const supervisor = new Supervisor(name, toMachineConfig(config, options), {
    now: Date.now,
    logger,
    writeStatus(state) {
      if (keeper) keeper.writeStatus(() => writeStatusNow(state));
      else writeStatusNow(state);
    },
    startService(callbacks) {
      // __stdout and __stderr are opened in the status directory: make sure it is there.
      keeper?.check(false);
      let pid: number | null;
      try {
        pid = startService({
          executable,
          argv: options.command,
          output: output(),
          shownOutput,
          onExit: callbacks.onExit,
          onStartFailed(reason) {
            if (report) failFirstStart(EXIT_COMMAND, `unable to start ${options.command[0]}: ${reason}`, reason);
            else callbacks.onStartFailed(reason);
          },
        });
      } catch (error) {
        // __stdout or __stderr cannot be opened (a directory, another user's file, a FIFO nobody reads).
        if (!(error instanceof ServiceOutputError) || !report) throw error;
        failFirstStart(EXIT_LOCK, error.message, error.message);
        return null;
      }
      if (pid !== null && report) {
        // Reported once status holds the pid: the machine writes it right after this returns.
        const firstReport = report;
        report = null;
        // winston loads now, after the service runs; the caller returns once the log holds its lines.
        markFirstStartDone();
        void logFilesAttached.then(() => firstReport({ ok: true, pid }));
      }
      markFirstStartDone();
      return pid;
    },
    signalService,
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
        window: { exits: effect.window.exits, coreDumps: effect.window.coreDumps, seconds: state.config.limits.alarmInterval },
        next: effect.next,
        stderrTail: readStderrTailSafely(output().stderr),
        at: effect.exit.at,
      };
      const target = config;
      const delivery = import('../alarm/deliver-alarm.js').then(
        ({ deliverAlarm }) => deliverAlarm(report, target, logger),
        (error: unknown) => logger.warning(`unable to send the alarm: ${describeCause(error)}`),
      );
      pendingAlarms.add(delivery);
      void delivery.finally(() => pendingAlarms.delete(delivery));
    },
    reloadConfig() {
      const next = loadConfig(options.configPath, name, 'reload');
      for (const warning of next.warnings) logger.warning(warning);
      // Only an unreadable file or an unparsable line refuses; notes about legal lines were warned above.
      if (next.reloadRefusal !== null) {
        logger.warning(`config ${options.configPath} not reloaded: keeping the values in force (${next.reloadRefusal})`);
        return null;
      }
      config = next.config;
      logger.notice(`config ${options.configPath} reloaded: ${next.loaded.join(', ')}`);
      return toMachineConfig(config, options);
    },
    runRestartHook(count, done) {
      const hook = options.restartHook as string;
      logger.notice(`running restart hook ${hook} ${count}`);
      runRestartHook(hook, count, output(), shownOutput, (outcome) => {
        // A hook that failed is something to look at; one that exited 0 is routine.
        if (outcome.ok) logger.notice(`restart hook ${hook} ${outcome.text}`);
        else logger.warning(`restart hook ${hook} ${outcome.text}`);
        done();
      });
    },
    exit: shutdown,
  });

  /** The first start failed: tell the caller's terminal and stop, starting nothing. */
  function failFirstStart(exitCode: number, callerMessage: string, reason: string): void {
    report?.({ ok: false, exitCode, message: `supervise: ${callerMessage}` });
    report = null;
    logger.fatal(`unable to start service ${name}: ${reason}`);
    shutdown(exitCode);
  }

  /**
   * Releases the lock and `ok` at once, so a new supervise may start, but lets
   * alarms under way (the gave-up mail above all) finish: each send gives up
   * by itself after 30 s.
   */
  function shutdown(code: number): void {
    markFirstStartDone();
    if (keeper) {
      keeper.close();
    } else {
      ok.close();
      closeSync(descriptors.lockFd);
    }
    void Promise.allSettled([...pendingAlarms, logFilesAttached]).then(() => {
      logger.close();
      process.exit(code);
    });
  }

  function startSupervising(): void {
    keeper = new StatusDirKeeper({
      dir: held,
      lockFd: descriptors.lockFd,
      ok,
      onControlBytes(bytes) {
        const chunk = decodeControlChunk(bytes);
        supervisor.dispatch({ kind: 'control', runs: chunk.runs, at: Date.now() });
        const unknown = describeUnknownLetters(chunk);
        if (unknown !== null) logger.notice(unknown);
      },
      logger,
      rewriteStatus: () => writeStatusNow(supervisor.current),
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => supervisor.dispatch({ kind: 'terminate', signal, at: Date.now() }));
    }
    supervisor.dispatch({ kind: 'boot', at: Date.now() });
  }

  let markFirstStartDone = () => {};
  const firstStartDone = new Promise<void>((resolve) => (markFirstStartDone = resolve));
  const logFilesAttached = attachLogFiles(logger, () => held.root, firstStartDone);

  // A service left running by a supervise killed with SIGKILL is stopped
  // before the first start, so two copies never run; control is read only
  // afterwards, so commands written meanwhile wait in the FIFO.
  reclaimOrphanService(
    { dir, name, command: { argv: options.command, executable }, stopTimeoutSeconds: config.stopTimeout, logger },
    (failure) => {
      if (failure === null) {
        startSupervising();
        return;
      }
      logger.fatal(failure);
      report?.({ ok: false, exitCode: EXIT_LOCK, message: `supervise: ${failure}` });
      report = null;
      shutdown(EXIT_LOCK);
    },
  );
}
