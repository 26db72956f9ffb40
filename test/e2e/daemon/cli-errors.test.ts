// SPEC section 1: every error found before daemonizing is one line on stderr
// naming the problem and the path or value, with its exit code, and nothing starts.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FOREVER, runCommand, runSupervise, startSupervised } from '../../helpers/supervise-process.js';


function expectOneLine(stderr: string, ...parts: string[]) {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  for (const part of parts) expect(stderr).toContain(part);
}

describe('supervise -v and -h', () => {
  it('prints the version and exits 0', async () => {
    const result = await runSupervise(['-v']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^supervise \d+\.\d+\.\d+\n$/);
  });

  it('prints the usage and exits 0', async () => {
    const result = await runSupervise(['-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('supervise -p STATUS_DIR -f "COMMAND STRING"');
  });
});

describe('exit 100: bad arguments', () => {
  it.each<[string, string[], string]>([
    ['no status directory', ['-f', 'sleep 1'], 'missing status directory'],
    ['no command', ['-p', 'status/x'], 'missing command'],
    ['an unknown option', ['-p', 'status/x', '-f', 'sleep 1', '--bogus'], 'bogus'],
    ['an empty command', ['-p', 'status/x', '-f', '   '], 'empty command'],
    ['-u without a command', ['-u', 'status/x'], 'empty command'],
    ['an unbalanced quote', ['-p', 'status/x', '-f', "sh -c 'echo"], 'unbalanced single quote'],
    ['a bad -t', ['-t', 'soon', '-p', 'status/x', '-f', 'sleep 1'], '-t'],
  ])('rejects %s', async (_, args, message) => {
    const cwd = makeTempDir();
    const result = await runSupervise(args, { cwd });
    expect(result.code).toBe(100);
    expectOneLine(result.stderr, message);
    expect(existsSync(join(cwd, 'status'))).toBe(false);
  });
});

describe('exit 110: status directory', () => {
  it('names a status directory that is a file', async () => {
    const cwd = makeTempDir();
    writeFileSync(join(cwd, 'file'), '');
    const result = await runSupervise(['-p', 'file', '-f', FOREVER], { cwd });
    expect(result.code).toBe(110);
    expectOneLine(result.stderr, 'file');
  });

  it('names a status directory that cannot be created', async () => {
    const cwd = makeTempDir();
    writeFileSync(join(cwd, 'blocker'), '');
    const result = await runSupervise(['-p', 'blocker/status/x', '-f', FOREVER], { cwd });
    expect(result.code).toBe(110);
    expectOneLine(result.stderr, 'unable to create blocker/status/x');
  });

  it('names the real cause on a read-only filesystem: EROFS, not ENOENT', async () => {
    const cwd = makeTempDir();
    mkdirSync(join(cwd, 'ro'));
    const mount = await runCommand('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', join(cwd, 'ro')]);
    expect(mount.code, mount.stderr).toBe(0);
    try {
      const result = await runSupervise(['-p', 'ro/status/x', '-f', FOREVER], { cwd, statusDir: 'ro/status/x' });
      expect(result.code).toBe(110);
      expectOneLine(result.stderr, 'supervise: unable to create ro/status/x: EROFS');
    } finally {
      // Unmounted here, before the temporary directory holding the mount point is removed.
      await runCommand('umount', [join(cwd, 'ro')]);
    }
  });
});

describe('exit 111: lock and log files', () => {
  it('names the pid of the supervise that holds the lock, in the caller terminal', async () => {
    const first = await startSupervised([FOREVER]);
    const second = await runSupervise(['-u', first.dir, FOREVER]);
    expect(second.code).toBe(111);
    expectOneLine(second.stderr, `held by supervise pid ${first.daemonPid}`, join(first.dir, 'lock'));
  });

  it('names a log file that cannot be opened', async () => {
    const dir = join(makeTempDir(), 'status', 'x');
    mkdirSync(join(dir, 'supervise.log'), { recursive: true });
    const result = await runSupervise(['-u', dir, FOREVER], { statusDir: dir });
    expect(result.code).toBe(111);
    expectOneLine(result.stderr, join(dir, 'supervise.log'));
  });
});

describe('exit 112: the executable', () => {
  it('names a command that is not found', async () => {
    const cwd = makeTempDir();
    const result = await runSupervise(['-p', 'status/x', '-f', 'no-such-program-here --flag'], { cwd });
    expect(result.code).toBe(112);
    expectOneLine(result.stderr, 'no-such-program-here', 'not found');
  });

  it('names a command that is not executable', async () => {
    const cwd = makeTempDir();
    writeFileSync(join(cwd, 'script.sh'), '#!/bin/sh\n');
    chmodSync(join(cwd, 'script.sh'), 0o644);
    const result = await runSupervise(['-p', 'status/x', '-f', './script.sh'], { cwd });
    expect(result.code).toBe(112);
    expectOneLine(result.stderr, './script.sh', 'not executable');
  });

  it('names a command that is a directory', async () => {
    const cwd = makeTempDir();
    mkdirSync(join(cwd, 'adir'));
    const result = await runSupervise(['-p', 'status/x', '-f', './adir'], { cwd });
    expect(result.code).toBe(112);
    expectOneLine(result.stderr, './adir', 'is a directory');
  });
});
