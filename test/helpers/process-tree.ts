// The process-tree fixture (test/fixtures/process-tree.sh) seen from the test:
// its stamps, the processes of a session as `pgrep -s` lists them, and a
// cleanup that leaves nothing of a tree running, whatever the test did.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { FIXTURES } from './supervise-process.js';

export const PROCESS_TREE = join(FIXTURES, 'process-tree.sh');
/** Every role of one tree: main and the processes it starts. */
export const TREE_ROLES = ['main', 'child', 'stubborn', 'parent', 'grandchild'] as const;

export interface Stamp {
  what: 'start' | 'exit' | 'alive-at-start';
  role: string;
  pid: number;
}

export function readStamps(path: string): Stamp[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [what, role, pid] = line.split(' ');
      return { what: what as Stamp['what'], role, pid: Number(pid) };
    });
}

/** The pids `pgrep -s SID` prints: the real tool scripts use. */
export function pgrepSession(sid: number): number[] {
  try {
    return execFileSync('pgrep', ['-s', String(sid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
  } catch (error) {
    // pgrep exits 1 when nothing matched.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

/** Live processes of the tree that writes `stamps`, by role, read from /proc (zombies have no command line). */
export function runningTree(stamps: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    // `/bin/bash .../process-tree.sh STAMPS [ROLE]`; not supervise, whose own command line names the script too.
    if (args[0].endsWith('bash') && args[1]?.endsWith('process-tree.sh') && args[2] === stamps) found.set(Number(entry), args[3] || 'main');
  }
  return found;
}

/** How many live processes of the tree have each role. */
export function countRoles(stamps: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const role of runningTree(stamps).values()) counts[role] = (counts[role] ?? 0) + 1;
  return counts;
}

function sessionOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return null;
  }
}

/**
 * After the test, KILL every process of the tree that writes `stamps` and every
 * process of its sessions and of `sessions()` (a daemon's, a foreground
 * caller's), so no `sleep` a killed role left behind survives. The test
 * runner's own session is never touched.
 */
export function killTreeAfterTest(stamps: string, sessions: () => readonly number[] = () => []): void {
  onTestFinished(() => {
    const own = sessionOf(process.pid);
    const targets = new Set<number>();
    for (const pid of runningTree(stamps).keys()) {
      targets.add(pid);
      const sid = sessionOf(pid);
      if (sid !== null && sid !== own && sid > 1) for (const member of pgrepSession(sid)) targets.add(member);
    }
    for (const sid of sessions()) if (sid !== own && sid > 1) for (const member of pgrepSession(sid)) targets.add(member);
    targets.delete(process.pid);
    for (const pid of targets) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * The session holds exactly `expected` (in pid order): at once, no other live
 * process; then, within a deadline, no other pid at all. A killed process is
 * a zombie until its parent reaps it, and the parent of a killed service's
 * orphans is init, which may take a moment (this VM's init takes about a second).
 */
export async function expectSessionToHold(sid: number, expected: readonly number[]): Promise<void> {
  const live = pgrepSession(sid).filter((pid) => !expected.includes(pid) && !isZombie(pid));
  if (live.length > 0) throw new Error(`session ${sid} still holds live processes ${live.join(' ')}`);
  const { waitFor } = await import('./wait-for.js');
  await waitFor(() => JSON.stringify(pgrepSession(sid)) === JSON.stringify(expected) || undefined, {
    what: `pgrep -s ${sid} to print only ${expected.join(' ') || 'nothing'} (last: ${pgrepSession(sid).join(' ')})`,
  });
}
