// What SCANDIR holds now (SPEC section 13): every subdirectory (symlinks
// followed, dot names skipped) with an executable `run`, whether it has a
// `down` file and a log service (`log/run`).
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isServiceName } from '../core/scan-plan.js';

export interface ServiceDir {
  readonly name: string;
  /** SCANDIR/NAME, absolute. */
  readonly path: string;
  readonly down: boolean;
  readonly hasLog: boolean;
}

export function listServiceDirs(scanDir: string): ServiceDir[] {
  const found: ServiceDir[] = [];
  for (const name of readdirSync(scanDir).sort()) {
    if (!isServiceName(name)) continue;
    const path = join(scanDir, name);
    if (!isDirectory(path) || !isRunnable(join(path, 'run'))) continue;
    found.push({ name, path, down: exists(join(path, 'down')), hasLog: isRunnable(join(path, 'log', 'run')) });
  }
  return found;
}

/** Subdirectories worth watching: one without `run` yet becomes a service when `run` appears. */
export function listSubdirectories(scanDir: string): string[] {
  return readdirSync(scanDir).filter((name) => isServiceName(name) && isDirectory(join(scanDir, name)));
}

export function isRunnable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}
