// Keeps the status directory whole while supervise runs: it owns the lock
// descriptor and the `control` and `ok` FIFOs, and when someone removes or
// replaces any of them, or `status`, or the whole directory, it re-creates
// them and logs a WARNING; supervision itself never stops.
//
// When to look: at every status write and service start (a few lstat calls),
// and when inotify reports a change to the inode of the lock, a FIFO or
// status: unlinking a file changes its link count, which inotify reports even
// while supervise holds the file open. So an idle daemon is woken only by the
// tampering itself, never by a timer, and the service writing __stdout next
// door (which a watch on the directory would report) costs nothing.
import { closeSync } from 'node:fs';
import { SuperviseError, describeCause } from '../core/supervise-error.js';
import { planStatusDirRepairs, type HeldDirState, type StatusDirRepair } from '../core/status-dir-repair.js';
import { ensureFifo, holdOkFifo, openControlFifo, type ControlReader } from '../io/fifo.js';
import type { HeldStatusDir } from '../io/held-status-dir.js';
import { acquireLock } from '../io/lock-file.js';
import { observeStatusDir, watchEntry } from '../io/status-dir-entries.js';
import type { SupervisorLogger } from '../supervisor.js';

/** Lets a burst of changes (rm -rf walking the directory) settle before looking. */
const SETTLE_MS = 100;

type WatchedEntry = 'lock' | 'control' | 'ok' | 'status';

/** For `unable to <verb> <path>: <reason>` when a repair fails. */
const REPAIR_VERBS: Record<StatusDirRepair, string> = {
  'create-dir': 'create',
  relock: 'lock',
  'recreate-control': 'create',
  'recreate-ok': 'create',
  'rewrite-status': 'write',
};
const REPAIR_TARGETS: Record<StatusDirRepair, string> = {
  'create-dir': '.',
  relock: 'lock',
  'recreate-control': 'control',
  'recreate-ok': 'ok',
  'rewrite-status': 'status',
};

export interface StatusDirKeeperOptions {
  dir: HeldStatusDir;
  lockFd: number;
  /** `ok`, already held open. */
  ok: { readonly fd: number; close(): void };
  onControlBytes(bytes: Buffer): void;
  logger: SupervisorLogger;
  /** Writes status and status.json again from the current state. */
  rewriteStatus(): void;
}

export class StatusDirKeeper {
  private readonly dir: HeldStatusDir;
  private readonly logger: SupervisorLogger;
  private lockFd: number;
  private ok: { readonly fd: number; close(): void };
  private control: ControlReader;
  private readonly watchers = new Map<WatchedEntry, { close(): void }>();
  private statusWritten = false;
  /** What the last look found, so a lasting state is reported once. */
  private dirState: HeldDirState = 'present';
  private settleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: StatusDirKeeperOptions) {
    this.dir = options.dir;
    this.logger = options.logger;
    this.lockFd = options.lockFd;
    this.ok = options.ok;
    this.control = this.openControl();
    for (const entry of ['lock', 'control', 'ok'] as const) this.watch(entry);
  }

  /**
   * Looks at the directory and re-creates what is missing. `rewriteStatus`
   * false when the caller is about to write status anyway.
   */
  check(rewriteStatus: boolean): void {
    if (this.closed) return;
    let plan;
    try {
      const observed = observeStatusDir(this.dir, this.held(), this.statusWritten);
      plan = planStatusDirRepairs(observed, this.dirState);
      this.dirState = observed.dir === 'missing' ? 'present' : observed.dir;
    } catch (error) {
      this.logger.warning(`unable to check ${this.dir.shown}: ${describeCause(error)}`);
      return;
    }
    const failures: string[] = [];
    for (const repair of plan.repairs) {
      if (repair === 'rewrite-status' && !rewriteStatus) continue;
      try {
        this.carryOut(repair);
      } catch (error) {
        // acquireLock's own message already reads `unable to lock PATH: held by supervise pid N`.
        if (error instanceof SuperviseError) failures.push(error.message);
        else failures.push(`unable to ${REPAIR_VERBS[repair]} ${this.dir.shownFile(REPAIR_TARGETS[repair])}: ${describeCause(error)}`);
      }
    }
    // Logged last: with the directory gone the log files come back only now.
    for (const warning of plan.warnings) this.logger.warning(`${this.dir.shown}: ${warning}`);
    for (const failure of failures) this.logger.warning(failure);
  }

  /** Runs a status write with the status watch off, so supervise's own rename is not taken for tampering. */
  writeStatus(write: () => boolean): void {
    this.check(false);
    this.unwatch('status');
    if (write()) this.statusWritten = true;
    if (!this.closed) this.watch('status');
  }

  /** Releases the lock and `ok` at once and stops reading control. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    for (const entry of [...this.watchers.keys()]) this.unwatch(entry);
    this.control.close();
    this.ok.close();
    closeSync(this.lockFd);
  }

  private held() {
    return { lockFd: this.lockFd, controlFd: this.control.fd, okFd: this.ok.fd };
  }

  private carryOut(repair: StatusDirRepair): void {
    switch (repair) {
      case 'create-dir':
        this.dir.recreate();
        return;
      case 'relock': {
        // The old lock is on an inode nobody can reach; a fresh supervise
        // would lock the new file, so take that one before it can.
        const fd = acquireLock(this.dir.file('lock'), this.dir.shownFile('lock'));
        closeSync(this.lockFd);
        this.lockFd = fd;
        this.watch('lock');
        return;
      }
      // The new one is opened before the old is closed: when making it fails (the
      // directory is gone for good), the old descriptor stays ours to close once,
      // never a number another service's supervision may have been given since.
      case 'recreate-control': {
        ensureFifo(this.dir.file('control'));
        const control = this.openControl();
        this.control.close();
        this.control = control;
        this.watch('control');
        return;
      }
      case 'recreate-ok': {
        ensureFifo(this.dir.file('ok'));
        const ok = holdOkFifo(this.dir.file('ok'));
        this.ok.close();
        this.ok = ok;
        this.watch('ok');
        return;
      }
      case 'rewrite-status':
        this.options.rewriteStatus();
        return;
    }
  }

  private openControl(): ControlReader {
    return openControlFifo(this.dir.file('control'), this.options.onControlBytes, (error) =>
      this.logger.warning(`unable to read ${this.dir.shownFile('control')}: ${describeCause(error)}`),
    );
  }

  private watch(entry: WatchedEntry): void {
    this.unwatch(entry);
    const watcher = watchEntry(this.dir.file(entry), () => this.settleThenCheck());
    if (watcher) this.watchers.set(entry, watcher);
  }

  private unwatch(entry: WatchedEntry): void {
    this.watchers.get(entry)?.close();
    this.watchers.delete(entry);
  }

  private settleThenCheck(): void {
    if (this.closed || this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.check(true);
    }, SETTLE_MS);
  }
}
