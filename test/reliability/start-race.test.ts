// Reliability: many `supervise` started at once on one status directory.
// The flock on DIR/lock decides; exactly one daemon and one service may come
// out of it, and every loser must say who holds the lock (SPEC sections 1, 3).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { FIXTURES, SUPERVISE_BIN, isAlive, killDaemonAfterTest, readStatus, readStatusJson } from '../helpers/supervise-process.js';

const RACERS = 20;

interface RaceResult {
  pid: number;
  code: number | null;
  stderr: string;
}

/** Spawns every racer before awaiting any, so they really overlap. */
function startRacers(dir: string, command: readonly string[]): Promise<RaceResult[]> {
  return Promise.all(
    Array.from({ length: RACERS }, () => {
      const child = spawn(SUPERVISE_BIN, ['-u', dir, ...command], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return new Promise<RaceResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ pid: child.pid as number, code, stderr }));
      });
    }),
  );
}

/** Pids whose parent is `parent`, from /proc. */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return children;
}

/** Live processes running the supervise daemon on `dir`. */
function daemonsOn(dir: string): number[] {
  const daemons: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Node's argv while the daemon boots, its title (`supervise -u DIR ...`, one string) after.
      const words = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').split(/[\0 ]/);
      const isDaemon = words[0] === 'supervise' || words.some((word) => word.endsWith('supervise-daemon.mjs'));
      if (isDaemon && words.includes(dir) && isAlive(Number(entry))) daemons.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return daemons;
}

describe('start races', () => {
  it(`leaves one daemon and one service when ${RACERS} supervise start at once; the others exit 111 naming the holder`, async () => {
    const dir = join(makeTempDir(), 'status', 'race');
    killDaemonAfterTest(dir);
    const results = await startRacers(dir, [join(FIXTURES, 'forever.sh')]);

    const winners = results.filter((result) => result.code === 0);
    const losers = results.filter((result) => result.code !== 0);
    expect(winners, JSON.stringify(results)).toHaveLength(1);
    expect(losers.map((loser) => loser.code)).toEqual(Array(RACERS - 1).fill(111));

    const { supervisePid: daemon } = readStatusJson(dir);
    expect(daemonsOn(dir)).toEqual([daemon]);
    const service = readStatus(dir).pid;
    expect(isAlive(service)).toBe(true);
    expect(childrenOf(daemon)).toEqual([service]);

    // A loser that looked while the winner was still handing its descriptor
    // over may also name the winner's foreground process, which held the lock
    // too at that moment; any other pid would be a wrong answer.
    const truthfulHolders = new Set([daemon, winners[0].pid]);
    const lockPath = join(dir, 'lock');
    for (const loser of losers) {
      const match = new RegExp(`^supervise: unable to lock ${lockPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: held by supervise pid ([\\d, ]+)\\n$`).exec(loser.stderr);
      expect(match, loser.stderr).not.toBeNull();
      const named = (match as RegExpExecArray)[1].split(', ').map(Number);
      expect(named.every((pid) => truthfulHolders.has(pid)), `${loser.stderr} vs daemon ${daemon}, winner ${winners[0].pid}`).toBe(true);
    }
    const namingDaemon = losers.filter((loser) => loser.stderr.includes(String(daemon))).length;
    console.log(`start race: ${namingDaemon} of ${losers.length} losers named the daemon pid ${daemon}`);
  });
});
