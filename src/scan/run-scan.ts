// supervise-scan (SPEC section 13): one process supervising every service
// directory of SCANDIR. Process-level concerns live here (descriptors,
// environment, signals, SCANDIR's own lock, exit); each service is the same
// supervision the per-service daemon runs (scanned-service.ts). Which to
// start and stop is src/core/scan-plan.ts's; this only carries it out when
// SCANDIR changes, on SIGHUP, and as services end.
//
// Scan-level lines (a service added, removed or skipped, reload, exit) go to
// stderr in supervise.log's line format, for the journal or an init script's
// log; each service's own lines stay in its status directory.
import { closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planScan } from '../core/scan-plan.js';
import { EXIT_SUCCESS } from '../core/exit-codes.js';
import { describeCause } from '../core/supervise-error.js';
import { restoreCallerEnvironment } from '../io/daemon-environment.js';
import { closeInheritedDescriptors } from '../io/inherited-descriptors.js';
import { acquireLock } from '../io/lock-file.js';
import { readOwnNofile, takeCallerNofile } from '../io/process-limits.js';
import { IGNORED_SIGNALS } from '../io/refuse-inspector.js';
import { formatLogLine, type LogLevel } from '../log/log-line-format.js';
import { describeStartFailure, ScannedService, type ScanContext } from './scanned-service.js';
import { listServiceDirs, listSubdirectories } from './service-dirs.js';
import { ScanDirWatcher } from './watch-scan-dir.js';

/** SCANDIR's own lock: a dot name, so never taken for a service. */
export const SCAN_LOCK_FILE = '.supervise-scan.lock';

export interface ScanOptions {
  readonly scanDir: string;
  /** null: SCANDIR/supervise.conf. */
  readonly configPath: string | null;
}

function say(level: LogLevel, message: string): void {
  process.stderr.write(formatLogLine(level, message, new Date()));
}

/** Takes SCANDIR's lock (throws SuperviseError 111 naming the holder) and supervises until SIGTERM or SIGINT. */
export function runScan(options: ScanOptions): void {
  const scanDir = resolve(options.scanDir);
  const lockFd = acquireLock(join(scanDir, SCAN_LOCK_FILE));

  // As the per-service daemon: services inherit only fd 0-2 and the caller's environment.
  restoreCallerEnvironment();
  closeInheritedDescriptors();
  const context: ScanContext = {
    configPath: options.configPath ?? join(scanDir, 'supervise.conf'),
    nofile: { callerSoft: takeCallerNofile(), soft: readOwnNofile().soft },
  };

  const services = new Map<string, ScannedService>();
  const stopping = new Set<string>();
  let terminating = false;
  say('notice', `supervise-scan ${scanDir} started, pid ${process.pid}, config ${context.configPath}`);

  const watcher = new ScanDirWatcher(scanDir, () => rescan());

  function rescan(): void {
    if (terminating) return;
    let dirs;
    try {
      dirs = listServiceDirs(scanDir);
      watcher.watchSubdirectories(listSubdirectories(scanDir));
    } catch (error) {
      say('warning', `unable to read ${scanDir}: ${describeCause(error)}`);
      return;
    }
    const plan = planScan(services.keys(), stopping, dirs.map((dir) => dir.name));
    for (const name of plan.stop) stop(name, null);
    for (const dir of dirs.filter((found) => plan.start.includes(found.name))) {
      let service: ScannedService;
      try {
        service = ScannedService.start(dir, context);
      } catch (error) {
        // Held by a supervise of its own, say: left alone, and tried again at the next rescan.
        say('warning', `service ${dir.name} skipped: ${describeStartFailure(error)}`);
        continue;
      }
      services.set(dir.name, service);
      say('notice', `service ${dir.name} added${dir.hasLog ? ', with its log service' : ''}${dir.down ? ', want down (down file)' : ''}`);
      // A supervision that ends by itself (it gave up, or `x`) leaves the directory until the next rescan.
      void service.ended.then(() => {
        if (services.get(dir.name) !== service) return;
        services.delete(dir.name);
        if (!stopping.has(dir.name)) say('notice', `service ${dir.name} ended; started again at the next change to ${scanDir} or SIGHUP`);
      });
    }
  }

  function stop(name: string, signal: 'SIGTERM' | 'SIGINT' | null): Promise<void> {
    const service = services.get(name);
    if (service === undefined) return Promise.resolve();
    if (stopping.has(name)) return service.ended;
    stopping.add(name);
    return service.stop(signal).then(() => {
      stopping.delete(name);
      services.delete(name);
      if (signal === null) {
        say('notice', `service ${name} removed: stopped and released`);
        // The directory may be back already.
        rescan();
      }
    });
  }

  process.on('SIGHUP', () => {
    if (terminating) return;
    say('notice', `SIGHUP received: reloading the config of every service and rescanning ${scanDir}`);
    for (const service of services.values()) service.reload();
    rescan();
  });
  for (const signal of IGNORED_SIGNALS) process.on(signal, () => say('notice', `${signal} received: ignored`));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (terminating) return;
      say('notice', `${signal} received: stopping ${services.size} services`);
      // Services being stopped already are waited for, not stopped again: stop() returns their end.
      const ends = [...services.keys()].map((name) => stop(name, signal));
      terminating = true;
      watcher.close();
      void Promise.allSettled(ends).then(() => {
        closeSync(lockFd);
        say('notice', 'supervise-scan exiting');
        process.exit(EXIT_SUCCESS);
      });
    });
  }

  rescan();
}
