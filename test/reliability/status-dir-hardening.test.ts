// Reliability: the status directory as the field test found it. Files left by
// another user, a __stdout that cannot be opened or is a FIFO nobody reads, a
// directory renamed under a running supervise, a directory reached through a
// symlink. supervise must never hang its caller, never block its own loop,
// never leave another user a way in, and only ever touch the directory it holds.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { createUnprivilegedUser } from '../helpers/unprivileged-user.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import {
  FOREVER,
  SUPERVISE_BIN,
  isAlive,
  killDaemonAfterTest,
  readLog,
  readStatus,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';


/** A temporary directory other users may traverse (mkdtemp makes it 0700). */
function makeOpenTempDir(): string {
  const base = makeTempDir();
  chmodSync(base, 0o755);
  return base;
}

async function expectLockFree(dir: string): Promise<void> {
  const probe = await runCommand('flock', ['-n', join(dir, 'lock'), 'true']);
  expect(probe.code, 'the lock must be free: no supervise may be left running').toBe(0);
}

describe('files of the status directory that supervise holds', () => {
  it('replaces control, ok and lock left by another user, so that user can no longer stop the service', async () => {
    const user = await createUnprivilegedUser();
    const dir = join(makeOpenTempDir(), 'status', 'l');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chownSync(dir, user.uid, user.gid);
    // The leftovers of an earlier run by that user, as loose as they can be.
    const made = await user.run('sh', ['-c', 'mkfifo -m 666 control ok && touch lock && chmod 666 lock'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);

    const started = await startSupervised([FOREVER], { dir });
    for (const file of ['control', 'ok', 'lock']) {
      const stat = lstatSync(join(dir, file));
      expect({ file, uid: stat.uid, mode: stat.mode & 0o777 }).toEqual({ file, uid: process.geteuid?.(), mode: 0o600 });
    }
    expect(lstatSync(join(dir, 'control')).isFIFO()).toBe(true);
    expect(lstatSync(join(dir, 'ok')).isFIFO()).toBe(true);

    // The other user's `printf d > control` is refused, and the service runs on.
    const stop = await user.run('sh', ['-c', 'printf d > control'], { cwd: dir });
    expect(stop.code).not.toBe(0);
    expect(stop.stderr).toMatch(/[Pp]ermission denied/);
    const holders = await runCommand('fuser', [join(dir, 'lock')]);
    expect(holders.stdout.trim().split(/\s+/).map(Number)).toEqual([started.daemonPid]);
    writeControl(dir, 'k');
    expect(isAlive(await waitForServicePid(dir, started.servicePid))).toBe(true);
    expect(readLog(dir)).not.toContain('control command d');
  });
});

describe('__stdout and __stderr that cannot be opened', () => {
  it('a directory in place of __stdout: one line on stderr, exit 111, nothing left running', async () => {
    const dir = join(makeTempDir(), 'status', 'o');
    mkdirSync(join(dir, '__stdout'), { recursive: true });
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-p', dir, '-f', `${FOREVER}`]);
    expect(result.code).toBe(111);
    expect(result.stderr).toBe(`supervise: unable to open ${join(dir, '__stdout')}: EISDIR: illegal operation on a directory\n`);
    await expectLockFree(dir);
  });

  it('a __stderr of root, 0644, started by another user: exit 111 naming it', async () => {
    const user = await createUnprivilegedUser();
    const base = makeOpenTempDir();
    const dir = join(base, 'status', 'w');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chownSync(join(base, 'status'), user.uid, user.gid);
    chownSync(dir, user.uid, user.gid);
    // Left by an earlier run as root.
    const leftover = join(dir, '__stderr');
    rmSync(leftover, { force: true });
    await runCommand('sh', ['-c', `: > '${leftover}' && chmod 644 '${leftover}'`]);
    const result = await user.run(SUPERVISE_BIN, ['-p', dir, '-f', FOREVER]);
    expect(result.code).toBe(111);
    expect(result.stderr).toBe(`supervise: unable to open ${leftover}: EACCES: permission denied\n`);
    await expectLockFree(dir);
  });

  it('a __stdout FIFO nobody reads at the first start: exit 111 naming it, nothing left running', async () => {
    const dir = join(makeTempDir(), 'status', 'f');
    mkdirSync(dir, { recursive: true });
    await runCommand('mkfifo', [join(dir, '__stdout')]);
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-u', dir, FOREVER]);
    expect(result.code).toBe(111);
    expect(result.stderr).toContain(`unable to open ${join(dir, '__stdout')}: it is a FIFO that no process reads (ENXIO)`);
    await expectLockFree(dir);
    expect(await waitForLog(dir, 'FIFO that no process reads', 'supervise.log.wf')).toContain('[FATAL]');
  });

  it('a __stdout FIFO whose reader went away never freezes the daemon: a WARNING, and d then x still work', async () => {
    const dir = join(makeTempDir(), 'status', 'c');
    mkdirSync(dir, { recursive: true });
    const fifo = join(dir, '__stdout');
    await runCommand('mkfifo', [fifo]);
    // The log rotator (cronolog, say) reading the FIFO.
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'ignore', 'ignore'] });
    onTestFinished(() => {
      if (reader.exitCode === null) reader.kill('SIGKILL');
    });
    const started = await startSupervised(['sh', '-c', 'while :; do echo tick; sleep 0.05; done'], { dir });

    // The reader dies; the service dies of SIGPIPE; the next start finds nobody reading.
    reader.kill('SIGKILL');
    await waitForLog(dir, 'it is a FIFO that no process reads (ENXIO)', 'supervise.log.wf');
    expect(isAlive(started.daemonPid)).toBe(true);

    writeControl(dir, 'dx');
    await waitForDaemonExit(started.daemonPid);
    expect(readStatus(dir).pid).toBe(0);
    expect(isAlive(started.servicePid)).toBe(false);
    await expectLockFree(dir);
  });
});

describe('the directory supervise holds, wherever it goes', () => {
  it('a renamed status directory: the old supervise goes on in it and never touches the new one at the old path', async () => {
    const base = makeTempDir();
    const dir = join(base, 'status', 'm');
    const moved = join(base, 'status', 'm.old');
    const first = await startSupervised([FOREVER], { dir });
    renameSync(dir, moved);
    killDaemonAfterTest(moved);
    const second = await startSupervised([FOREVER], { dir });

    // The first supervise, asked through its own control, restarts its own service, in its own directory.
    writeControl(moved, 'k');
    const firstNext = await waitForServicePid(moved, first.servicePid);
    await waitForLog(moved, 'moved or renamed away', 'supervise.log.wf');
    expect(readStatus(dir).pid).toBe(second.servicePid);
    const holders = await runCommand('fuser', [join(dir, 'lock'), join(dir, 'control'), join(dir, 'ok')]);
    expect(new Set(holders.stdout.trim().split(/\s+/).map(Number))).toEqual(new Set([second.daemonPid]));
    expect(readLog(dir)).not.toContain(`pid ${firstNext}`);
    expect(readLog(dir, 'supervise.log.wf')).not.toContain('re-created');

    // The second one still answers at the old path.
    writeControl(dir, 'k');
    await waitForServicePid(dir, second.servicePid);
    expect(readStatus(moved).pid).toBe(firstNext);
  });

  it('a status directory reached through a symlink is kept like any other: no warning, and a removed control comes back', async () => {
    const base = makeTempDir();
    const real = join(base, 'elsewhere', 'sym');
    mkdirSync(real, { recursive: true });
    mkdirSync(join(base, 'status'));
    const dir = join(base, 'status', 'sym');
    symlinkSync(real, dir);
    const started = await startSupervised([FOREVER], { dir });
    writeControl(dir, 'k');
    const next = await waitForServicePid(dir, started.servicePid);

    rmSync(join(dir, 'control'));
    // Logged once the new FIFO is made and opened: a FIFO that merely exists may not be read yet.
    await waitForLog(dir, 'control was removed; re-created it', 'supervise.log.wf');
    expect(lstatSync(join(dir, 'control')).isFIFO()).toBe(true);
    writeControl(dir, 'k');
    await waitForServicePid(dir, next);
    const warnings = readLog(dir, 'supervise.log.wf');
    expect(warnings).toContain('control was removed; re-created it');
    expect(warnings).not.toContain('not a directory');
    expect(warnings).not.toContain('moved or renamed');
  });
});
