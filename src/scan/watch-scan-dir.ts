// Sees changes to SCANDIR without polling (SPEC section 13): inotify, through
// fs.watch, on SCANDIR itself (a directory made, removed or renamed) and on
// each subdirectory (its `run`, `down` or `log` made, removed or chmod-ed).
// A burst of changes (mkdir, cp, chmod) settles into one call of onChange.
// What a service writes in its own directory wakes nothing: only those names count.
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { isServiceName } from '../core/scan-plan.js';

const SETTLE_MS = 50;
const SERVICE_ENTRIES = new Set(['run', 'down', 'log']);

export class ScanDirWatcher {
  private readonly top: FSWatcher;
  private readonly subdirs = new Map<string, FSWatcher>();
  private settleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly scanDir: string,
    private readonly onChange: () => void,
  ) {
    this.top = watch(scanDir, { persistent: true }, (_event, name) => {
      if (name === null || isServiceName(name)) this.settle();
    });
    this.top.on('error', () => {});
  }

  /** Watches exactly these subdirectories from now on. */
  watchSubdirectories(names: readonly string[]): void {
    const wanted = new Set(names);
    for (const [name, watcher] of this.subdirs) {
      if (wanted.has(name)) continue;
      watcher.close();
      this.subdirs.delete(name);
    }
    for (const name of wanted) {
      if (this.subdirs.has(name)) continue;
      try {
        const watcher = watch(join(this.scanDir, name), { persistent: false }, (_event, entry) => {
          if (entry === null || SERVICE_ENTRIES.has(entry)) this.settle();
        });
        // The directory was removed: SCANDIR's own watch reports that.
        watcher.on('error', () => {});
        this.subdirs.set(name, watcher);
      } catch {
        // Gone between the listing and now; SCANDIR's watch has seen it.
      }
    }
  }

  close(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.top.close();
    for (const watcher of this.subdirs.values()) watcher.close();
    this.subdirs.clear();
  }

  private settle(): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.onChange();
    }, SETTLE_MS);
  }
}
