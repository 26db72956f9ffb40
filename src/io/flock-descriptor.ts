// flock(2) on a descriptor we hold, without a native addon: util-linux's
// flock(1) gets the descriptor as its fd 3 and locks it. A flock belongs to
// the open file description, not to the process that took it, so the lock
// stays held through our descriptor after flock(1) exits, and is dropped when
// we close it.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** flock(1)'s exit status when the lock is held elsewhere (-E); its own errors use 1 and the 64-78 range. */
const CONFLICT_EXIT = 10;

let flockCommand: string | null = null;

/** /usr/bin/flock where util-linux puts it (so a bare or odd PATH does not matter), else PATH's. */
function findFlockCommand(): string {
  if (flockCommand !== null) return flockCommand;
  try {
    accessSync('/usr/bin/flock', constants.X_OK);
    flockCommand = '/usr/bin/flock';
  } catch {
    flockCommand = 'flock';
  }
  return flockCommand;
}

/**
 * Takes a non-blocking flock on `fd`: true when taken, false when another
 * open file holds a conflicting one. Throws an Error whose message is the
 * reason (flock(1) missing, or what it printed) for anything else.
 */
export function tryFlock(fd: number, kind: 'exclusive' | 'shared'): boolean {
  const command = findFlockCommand();
  const result = spawnSync(command, [kind === 'shared' ? '-s' : '-x', '-n', '-E', String(CONFLICT_EXIT), '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    encoding: 'utf8',
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error('the flock command (util-linux) is not installed: not at /usr/bin/flock nor on PATH');
    throw new Error(`unable to run ${command}: ${result.error.message}`);
  }
  if (result.status === 0) return true;
  if (result.status === CONFLICT_EXIT) return false;
  const said = result.stderr.trim().split('\n')[0];
  throw new Error(said || `${command} exited with ${result.status ?? result.signal}`);
}
