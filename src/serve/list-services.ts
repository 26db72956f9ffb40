// The services `supervisectl serve` shows: each DIR is a status directory, or
// a supervise-scan SCANDIR standing for SCANDIR/NAME/supervise (and its log
// service's SCANDIR/NAME/log/supervise), SPEC sections 13 and 14. Read again
// on every request, so services added to a SCANDIR appear without a restart,
// and nothing outside these paths is ever read or written.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { moduleNameOf } from '../core/module-name.js';
import { isStatusDir } from '../ctl/check-status-dir.js';
import { CtlError } from '../ctl/ctl-error.js';
import { readStatusJson } from '../ctl/read-service-state.js';

export interface ServedService {
  /** The status directory, absolute. */
  readonly dir: string;
  /** Its module name: NAME in a SCANDIR, else status.json's, else what supervise would call it. */
  readonly module: string;
}

export type ServedDir = { readonly kind: 'status'; readonly dir: string } | { readonly kind: 'scan'; readonly dir: string };

/** Checks each DIR once at start: a status directory, else any directory is taken as a SCANDIR. */
export function classifyServedDirs(dirs: readonly string[]): ServedDir[] {
  return dirs.map((given) => {
    const dir = resolve(given);
    if (isStatusDir(dir)) return { kind: 'status', dir };
    let isDirectory = false;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {
      // Reported below, as for a file.
    }
    if (!isDirectory) {
      throw new CtlError('usage', `unable to use ${given}: not a status directory nor a supervise-scan directory`);
    }
    return { kind: 'scan', dir };
  });
}

function scanServices(scanDir: string): ServedService[] {
  let names: string[];
  try {
    names = readdirSync(scanDir).sort();
  } catch {
    // Gone or unreadable since start: it lists no service now.
    return [];
  }
  const services: ServedService[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(scanDir, name, 'supervise');
    // SPEC section 13: a SCANDIR service's module name is NAME.
    if (isStatusDir(dir)) services.push({ dir, module: name });
    const logDir = join(scanDir, name, 'log', 'supervise');
    if (isStatusDir(logDir)) services.push({ dir: logDir, module: `${name}/log` });
  }
  return services;
}

/** Every service now, in the order given (a SCANDIR's by name); a directory listed twice shows once. */
export function listServices(dirs: readonly ServedDir[]): ServedService[] {
  const seen = new Set<string>();
  const services: ServedService[] = [];
  for (const served of dirs) {
    const found =
      served.kind === 'status'
        ? [{ dir: served.dir, module: readStatusJson(served.dir)?.module ?? moduleNameOf(served.dir) }]
        : scanServices(served.dir);
    for (const service of found) {
      if (seen.has(service.dir)) continue;
      seen.add(service.dir);
      services.push(service);
    }
  }
  return services;
}
