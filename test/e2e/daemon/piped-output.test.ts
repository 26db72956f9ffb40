// Piped output (SPEC section 12): supervise reads the service's fd 1 and 2
// through pipes and writes __stdout and __stderr itself, rotating them at a
// line boundary, with timestamps when asked, `l`, and drain before exit.
import { readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import {
  runCommand,
  startSupervised,
  SUPERVISECTL_BIN,
  waitForDaemonExit,
  waitForServicePid,
  writeControl,
} from '../../helpers/supervise-process.js';

/** A config file in a fresh directory; returns its path. */
function writeConfig(lines: readonly string[]): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\n${lines.join('\n')}\n`);
  return path;
}

/** NAME.<highest> ... NAME.1, NAME: the order the lines were written in. */
function filesInOrder(dir: string, name: string): string[] {
  const backups = readdirSync(dir)
    .filter((entry) => entry.startsWith(`${name}.`) && /^\d+$/.test(entry.slice(name.length + 1)))
    .map((entry) => Number(entry.slice(name.length + 1)))
    .sort((a, b) => b - a);
  return [...backups.map((index) => join(dir, `${name}.${index}`)), join(dir, name)];
}

function readInOrder(dir: string, name: string): string {
  return filesInOrder(dir, name)
    .map((path) => readFileSync(path, 'utf8'))
    .join('');
}

function isFollowing(pid: number, path: string): boolean {
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}

const SEQUENCE = (count: number, prefix = 'n') =>
  `i=0; while [ $i -lt ${count} ]; do echo "${prefix} $i"; i=$((i+1)); done; exec sleep infinity`;

describe('piped output', () => {
  it('gives the service pipes, rotates at a line boundary and keeps output_backups files', async () => {
    const config = writeConfig(['output_max_bytes : 100', 'output_backups : 3']);
    const { dir, servicePid } = await startSupervised(['sh', '-c', SEQUENCE(100)], { args: ['-F', config] });
    expect(readlinkSync(`/proc/${servicePid}/fd/1`)).toMatch(/^pipe:|\/pipe \(deleted\)$/);
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes('n 99\n') || undefined, { what: 'the last line' });
    expect(filesInOrder(dir, '__stdout').map((path) => path.slice(dir.length + 1))).toEqual(['__stdout.3', '__stdout.2', '__stdout.1', '__stdout']);
    const text = readInOrder(dir, '__stdout');
    // Four files of at most 100 bytes hold the newest lines, whole and in order.
    const lines = text.trimEnd().split('\n');
    const first = Number(lines[0].split(' ')[1]);
    expect(lines).toEqual(Array.from({ length: 100 - first }, (_, i) => `n ${first + i}`));
    for (const path of filesInOrder(dir, '__stdout')) {
      expect(statSync(path).size).toBeLessThanOrEqual(100);
      expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    }
  });

  it('starts each line with the time it was read when output_timestamps is 1', async () => {
    const config = writeConfig(['output_max_bytes : 1M', 'output_timestamps : 1']);
    const { dir } = await startSupervised(['sh', '-c', 'echo one; echo two >&2; exec sleep infinity'], { args: ['-F', config] });
    const stamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} `;
    await waitFor(() => new RegExp(`^${stamp}one\n$`).test(readFileSync(join(dir, '__stdout'), 'utf8')) || undefined, { what: 'a stamped line' });
    await waitFor(() => new RegExp(`^${stamp}two\n$`).test(readFileSync(join(dir, '__stderr'), 'utf8')) || undefined, { what: 'a stamped line' });
  });

  it('rotates at once on l and supervisectl rotate, and a burst of l makes no empty backups', async () => {
    const config = writeConfig(['output_max_bytes : 1M']);
    const { dir } = await startSupervised(['sh', '-c', 'echo first; exec sleep infinity'], { args: ['-F', config] });
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8') === 'first\n' || undefined, { what: 'first line' });
    const rotate = await runCommand(SUPERVISECTL_BIN, ['rotate', dir]);
    expect(rotate.code, rotate.stderr).toBe(0);
    await waitFor(() => readFileSync(join(dir, '__stdout.1'), 'utf8') === 'first\n' || undefined, { what: '__stdout.1' });
    writeControl(dir, 'llllll');
    await waitForLog(dir, 'control command l (rotate), 6 times');
    expect(readFileSync(join(dir, '__stdout'), 'utf8')).toBe('');
    expect(filesInOrder(dir, '__stdout')).toEqual([join(dir, '__stdout.1'), join(dir, '__stdout')]);
  });

  it('keeps the pipes across restarts, so a leftover of the previous start is captured', async () => {
    const config = writeConfig(['output_max_bytes : 1M', 'kill_mode : process']);
    // The shell is the service; its background child outlives it and writes after the restart.
    const script = '(sleep 0.5; echo "leftover of $$") & echo "start $$"; exec sleep infinity';
    const { dir, servicePid } = await startSupervised(['sh', '-c', script], { args: ['-F', config] });
    // Killed only once the leftover was forked.
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes(`start ${servicePid}`) || undefined, { what: 'the first start' });
    writeControl(dir, 'k');
    const second = await waitForServicePid(dir, servicePid);
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes(`leftover of ${servicePid}`) || undefined, { what: 'the leftover line' });
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes(`start ${second}`) || undefined, { what: 'the second start' });
  });

  it('writes what is still in the pipes before it exits on SIGTERM', async () => {
    const config = writeConfig(['output_max_bytes : 1M']);
    const { dir, daemonPid } = await startSupervised(['sh', '-c', "trap 'seq 1 20000; exit 0' TERM; echo ready; while :; do sleep 0.1; done"], {
      args: ['-F', config],
    });
    // TERM only once the trap is set.
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8') === 'ready\n' || undefined, { what: 'the trap set' });
    process.kill(daemonPid, 'SIGTERM');
    await waitForDaemonExit(daemonPid, 20_000);
    const expected = `ready\n${Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('')}`;
    expect(readInOrder(dir, '__stdout')).toBe(expected);
  });

  // Not a SPEC difference: in scan mode this loses a whole rotated file now and then (about 1 run in 3
  // here), likely logs -f's walk of NAME.1..NAME.K racing a rotation's renames; reported, to be fixed.
  it('supervisectl logs -f follows __stdout across rotations, missing nothing', async () => {
    const config = writeConfig(['output_max_bytes : 60', 'output_backups : 100']);
    // Rotations every few milliseconds, faster than logs -f looks (a quarter second): several between two looks.
    const go = join(makeTempDir(), 'go');
    const writer = `while [ ! -e ${go} ]; do sleep 0.02; done; i=0; while [ $i -lt 300 ]; do echo "f $i"; i=$((i+1)); done; exec sleep infinity`;
    const { dir } = await startSupervised(['sh', '-c', writer], { args: ['-F', config] });
    writeFileSync(join(dir, '__stdout'), '');
    const follow = spawn(SUPERVISECTL_BIN, ['logs', '-f', '-n', '0', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => {
      if (follow.exitCode === null) follow.kill('SIGKILL');
    });
    let seen = '';
    follow.stdout.on('data', (chunk) => (seen += chunk));
    await waitFor(() => isFollowing(follow.pid as number, join(dir, '__stdout')) || undefined, { what: 'logs -f to open __stdout' });
    writeFileSync(go, '');
    await waitFor(() => seen.includes('f 299\n') || undefined, { what: 'the last line through logs -f', timeoutMs: 20_000 });
    expect(seen).toBe(Array.from({ length: 300 }, (_, i) => `f ${i}\n`).join(''));
  });
});
