// What the service gets from supervise: fds 0-2 and nothing else, blocking
// output descriptors even when __stdout is a FIFO, and no lock or hand-off
// socket. supervise holds its flock through util-linux's flock(1) and opens
// everything else close-on-exec, since Node cannot change a descriptor's flags.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tryFlock } from '../../../src/io/flock-descriptor.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, SUPERVISE_BIN, killDaemonAfterTest, runCommand, startSupervised } from '../../helpers/supervise-process.js';

const forever = join(FIXTURES, 'forever.sh');

function descriptorNumbers(pid: number): number[] {
  return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
}

/** The open flags of `pid`'s descriptor `fd`, from fdinfo (octal). */
function openFlags(pid: number, fd: number): number {
  const match = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
  if (!match) throw new Error(`no flags in /proc/${pid}/fdinfo/${fd}`);
  return parseInt(match[1], 8);
}

/** dev:ino of what each descriptor of `pid` refers to. */
function openFiles(pid: number): Map<number, string> {
  const files = new Map<number, string>();
  for (const fd of descriptorNumbers(pid)) {
    try {
      const stat = statSync(`/proc/${pid}/fd/${fd}`);
      files.set(fd, `${stat.dev}:${stat.ino}`);
    } catch {
      // closed while we looked
    }
  }
  return files;
}

describe('the descriptors supervise hands its service', () => {
  it('are 0, 1 and 2 only, none of them one the daemon holds beyond its stdio; fuser names only the daemon', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([forever]);
    expect(descriptorNumbers(servicePid)).toEqual([0, 1, 2]);
    const daemonOnly = new Set([...openFiles(daemonPid)].filter(([fd]) => fd > 2).map(([, file]) => file));
    const shared = [...openFiles(servicePid)].filter(([, file]) => daemonOnly.has(file) && !file.endsWith(`:${statSync('/dev/null').ino}`));
    // __stdout and __stderr are reopened for each start, so the daemon holds neither.
    expect(shared).toEqual([]);
    const fuser = await runCommand('fuser', [join(dir, 'lock')]);
    expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([daemonPid]);
  });

  it('are blocking and appending for __stdout and __stderr files', async () => {
    const { servicePid } = await startSupervised([forever]);
    for (const fd of [1, 2]) {
      const flags = openFlags(servicePid, fd);
      expect(flags & constants.O_NONBLOCK, `fd ${fd} flags ${flags.toString(8)}`).toBe(0);
      expect(flags & constants.O_APPEND, `fd ${fd} flags ${flags.toString(8)}`).not.toBe(0);
    }
  });

  it('are blocking for a __stdout FIFO that a reader drains, and the daemon keeps no end of that FIFO', async () => {
    const dir = join(makeTempDir(), 'status', 'fifo');
    mkdirSync(dir, { recursive: true });
    const fifo = join(dir, '__stdout');
    await runCommand('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    onTestFinished(() => {
      if (reader.exitCode === null) reader.kill('SIGKILL');
    });
    let read = '';
    reader.stdout.on('data', (chunk) => (read += chunk));
    const { daemonPid, servicePid } = await startSupervised(['sh', '-c', 'while :; do echo tick; sleep 0.05; done'], { dir });
    expect(readlinkSync(`/proc/${servicePid}/fd/1`)).toBe(fifo);
    expect(openFlags(servicePid, 1) & constants.O_NONBLOCK).toBe(0);
    await waitFor(() => read.includes('tick\n') || undefined, { what: 'the service output through the FIFO' });
    const fifoIno = statSync(fifo).ino;
    const daemonFifoFds = [...openFiles(daemonPid)].filter(([, file]) => file.endsWith(`:${fifoIno}`));
    expect(daemonFifoFds).toEqual([]);
  });
});

describe('the lock', () => {
  it('held by another process (flock(1) here): exit 111 naming its pid, no daemon started', async () => {
    const dir = join(makeTempDir(), 'status', 'held');
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'lock');
    closeSync(openSync(lock, 'w', 0o600));
    const holder = spawn('flock', ['-n', lock, 'sleep', '60'], { stdio: 'ignore' });
    onTestFinished(() => {
      if (holder.exitCode === null) holder.kill('SIGKILL');
    });
    await waitFor(() => readFileSync('/proc/locks', 'utf8').includes(`:${statSync(lock).ino} `) || undefined, { what: 'flock(1) to hold the lock' });
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-u', dir, forever]);
    expect(result.code).toBe(111);
    // flock(1) forks sleep, which holds the same open file: both hold it.
    expect(result.stderr).toMatch(new RegExp(`^supervise: unable to lock ${lock}: held by supervise pid (\\d+, )*${holder.pid}(, \\d+)*\\n$`));
    // Refused before a daemon was started: a daemon would have opened the log first.
    expect(existsSync(join(dir, 'supervise.log'))).toBe(false);
  });

  it('is taken on a descriptor we hold and stays held after flock(1) exits, until we close it', () => {
    const lock = join(makeTempDir(), 'lock');
    const first = openSync(lock, 'w');
    const second = openSync(lock, 'r');
    try {
      expect(tryFlock(first, 'exclusive')).toBe(true);
      expect(tryFlock(second, 'shared')).toBe(false);
      closeSync(first);
      expect(tryFlock(second, 'shared')).toBe(true);
    } finally {
      closeSync(second);
    }
  });
});
