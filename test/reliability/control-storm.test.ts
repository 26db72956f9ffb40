// Reliability: floods of bytes on the control FIFO (SPEC section 4). The daemon
// must stay up, keep its service, apply every command, and a `d` written after
// the flood must still take effect. What a flood costs is checked by what
// does not depend on the machine's load (log lines, memory); how long the `d`
// took is printed, not asserted: on a loaded 2-core machine the same build
// took 100-600 ms for the `d` after 10,000 `h`, so a time bound only flakes.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LETTER_BY_COMMAND } from '../../src/codec/control-codec.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FIXTURES,
  countLogLines,
  isAlive,
  readLog,
  readStatus,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';

// Every letter that is a command (one home: the codec), so the junk holds none.
const COMMAND_LETTERS: ReadonlySet<string> = new Set(Object.values(LETTER_BY_COMMAND));
const WANT_OFFSET = 13;

/** How many `h` the daemon logged as acted on: a run of one command in one read is one line, `, N times`. */
function countHupsLogged(dir: string): number {
  return [...readLog(dir).matchAll(/control command h \(hup\)(?:, (\d+) times)?$/gm)].reduce((sum, match) => sum + Number(match[1] ?? 1), 0);
}

/** `size` bytes cycling through every byte value that is not a command letter. */
function nonCommandBytes(size: number): Buffer {
  const alphabet = [...Array(256).keys()].filter((byte) => !COMMAND_LETTERS.has(String.fromCharCode(byte)));
  const bytes = Buffer.alloc(size);
  for (let index = 0; index < size; index += 1) bytes[index] = alphabet[index % alphabet.length];
  return bytes;
}

interface DownLatency {
  /** ms from writing `d` until status says want down. */
  applied: number;
  /** ms until status shows pid 0 and the service is gone. */
  stopped: number;
}

/**
 * Writes `d` as `echo d > control` would (a blocking open and write, so a
 * FIFO still full from the flood delays it, as it would delay a script) and
 * times how long the daemon takes to act on it.
 */
async function timeDown(dir: string, servicePid: number, timeoutMs = 10_000): Promise<DownLatency> {
  const startedAt = performance.now();
  let applied: number | null = null;
  await writeFile(join(dir, 'control'), 'd');
  const stopped = await waitFor(
    () => {
      const status = readFileSync(join(dir, 'status'));
      if (applied === null && status[WANT_OFFSET] === 0x64) applied = performance.now() - startedAt;
      return applied !== null && status.readUInt32LE(16) === 0 && !isAlive(servicePid) ? performance.now() - startedAt : undefined;
    },
    { what: `d to stop service ${servicePid}`, intervalMs: 1, timeoutMs },
  );
  return { applied: applied as unknown as number, stopped };
}

/** The idle daemon's own `d` latency on this machine now, printed next to the flood's to tell load from a backlog. */
async function timeIdleDown(dir: string): Promise<number> {
  const samples: number[] = [];
  let pid = readStatus(dir).pid;
  for (let round = 0; round < 3; round += 1) {
    samples.push((await timeDown(dir, pid)).stopped);
    writeControl(dir, 'u');
    pid = await waitForServicePid(dir, pid);
  }
  return samples.sort((a, b) => a - b)[1];
}

async function expectDownTakesEffect(dir: string, daemonPid: number, servicePid: number, idleMs: number, storm: string): Promise<void> {
  expect(isAlive(daemonPid)).toBe(true);
  expect(readStatus(dir).pid).toBe(servicePid);
  expect(isAlive(servicePid)).toBe(true);
  const latency = await timeDown(dir, servicePid);
  console.log(
    `control storm "${storm}": d applied after ${latency.applied.toFixed(1)} ms, service down after ${latency.stopped.toFixed(1)} ms ` +
      `(idle daemon ${idleMs.toFixed(1)} ms)`,
  );
  expect(isAlive(daemonPid)).toBe(true);
}

describe('control storms', () => {
  it('survives 1 MB of bytes that are not commands, logging them without one line each', async () => {
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'ignore-hup.sh')]);
    const idleMs = await timeIdleDown(dir);
    const servicePid = readStatus(dir).pid;

    await writeFile(join(dir, 'control'), nonCommandBytes(1024 * 1024));
    await expectDownTakesEffect(dir, daemonPid, servicePid, idleMs, '1 MB of non-commands');
    // Unknown letters are noted, but a flood must not turn into a log flood.
    const noted = countLogLines(dir, /control: .*unknown/);
    expect(noted).toBeGreaterThan(0);
    expect(noted).toBeLessThan(100);
  });

  it('survives 10,000 h to a service that ignores HUP', async () => {
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'ignore-hup.sh')]);
    const idleMs = await timeIdleDown(dir);
    const servicePid = readStatus(dir).pid;

    await writeFile(join(dir, 'control'), 'h'.repeat(10_000));
    await expectDownTakesEffect(dir, daemonPid, servicePid, idleMs, '10,000 h');
    // Every command is logged (SPEC section 8), so all 10,000 arrived and were acted on.
    expect(countHupsLogged(dir)).toBe(10_000);
    expect(countLogLines(dir, /control command h/)).toBeLessThan(100);
  });

  it('survives 20 writers at once', async () => {
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'ignore-hup.sh')]);
    const idleMs = await timeIdleDown(dir);
    const servicePid = readStatus(dir).pid;

    // Each writer sends 64 KB of junk with an h every 64 bytes, through its own descriptor.
    const chunk = nonCommandBytes(64 * 1024);
    for (let index = 0; index < chunk.length; index += 64) chunk[index] = 0x68;
    const file = join(makeTempDir(), 'chunk');
    writeFileSync(file, chunk);
    const writers = Array.from({ length: 20 }, () => {
      const writer = spawn('dd', [`if=${file}`, `of=${join(dir, 'control')}`, 'bs=4096', 'status=none'], { stdio: 'ignore' });
      return new Promise<number | null>((resolve, reject) => {
        writer.on('error', reject);
        writer.on('close', resolve);
      });
    });
    expect(await Promise.all(writers)).toEqual(Array(20).fill(0));
    await expectDownTakesEffect(dir, daemonPid, servicePid, idleMs, '20 concurrent writers');
    expect(countHupsLogged(dir)).toBe(20 * 1024);
  });
});

/** Resident memory of a process in kB, from /proc. */
function residentKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * How many times the log says `letter` was applied: a read of few runs logs
 * `control command h (hup), 3 times` per run, a read of many runs logs one
 * `control commands: N in one read: h (hup) x3, c (cont) x3` line.
 */
function countCommandLogged(dir: string, letter: string): number {
  let total = 0;
  for (const line of readLog(dir).split('\n')) {
    const single = / control command (\w) \(\w+\)(?:, (\d+) times)?$/.exec(line);
    if (single && single[1] === letter) total += Number(single[2] ?? 1);
    const summary = / control commands: \d+ in one read: (.*)$/.exec(line);
    if (!summary) continue;
    for (const part of summary[1].split(', ')) {
      const counted = /^(\w) \(\w+\) x(\d+)$/.exec(part);
      if (counted && counted[1] === letter) total += Number(counted[2]);
    }
  }
  return total;
}

const LOG_LINES_PER_FLOOD = 100;
const RSS_GROWTH_KB = 30 * 1024;

describe('control storms of alternating commands (64 KiB in one write)', () => {
  it.each([
    ['sn', 'forever.sh'],
    ['hc', 'ignore-hup.sh'],
    ['pc', 'forever.sh'],
  ])('applies %s x 32768 in order with bounded logging and memory, and a d after it still stops the service', async (pair, fixture) => {
    const { dir, daemonPid, servicePid } = await startSupervised([join(FIXTURES, fixture)]);
    await waitFor(() => countLogLines(dir, /service svc started/) === 1 || undefined, { what: 'the start logged' });
    const linesBefore = readLog(dir).split('\n').length;
    const residentBefore = residentKb(daemonPid);

    await writeFile(join(dir, 'control'), pair.repeat(32_768));
    // Written as `echo d > control` would; the deadline only keeps a hung daemon from hanging the suite.
    const latency = await timeDown(dir, servicePid, 120_000);
    console.log(
      `control storm "${pair}" x 32768: d applied after ${latency.applied.toFixed(1)} ms, service down after ${latency.stopped.toFixed(1)} ms`,
    );

    expect(isAlive(daemonPid)).toBe(true);
    // Every command was read and applied, in order: the last of each pair wins.
    await waitFor(() => countCommandLogged(dir, 'd') === 1 || undefined, { what: 'the d logged' });
    for (const letter of pair) expect(countCommandLogged(dir, letter)).toBe(32_768);
    const status = readStatus(dir);
    expect(status).toMatchObject({ pid: 0, want: 'down', alarmsOn: true, paused: false });
    const grown = readLog(dir).split('\n').length - linesBefore;
    expect(grown).toBeLessThan(LOG_LINES_PER_FLOOD);
    expect(residentKb(daemonPid) - residentBefore).toBeLessThan(RSS_GROWTH_KB);
  }, 180_000);
});
