// Reliability: commands that cannot run and paths that are awkward (SPEC
// section 1). A bad command is one clear line on stderr and the right exit
// code, with nothing left running; awkward but valid paths just work.
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import {
  FIXTURES,
  REPO_ROOT,
  countLogLines,
  isAlive,
  readStatus,
  readStatusJson,
  runCommand,
  runSupervise,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';

/** A file that would pass every check but the format: mode 0755. */
function writeExecutable(path: string, content: string | Buffer): void {
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}

/**
 * The 64-byte header of an ELF executable for an architecture no host here
 * runs: IA-64, which qemu-user does not emulate either, so a binfmt_misc
 * registration cannot make it runnable (an aarch64 binary on an x86_64 host
 * with qemu-user-static would run, and rightly be accepted).
 */
function foreignElfHeader(): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // magic, 64-bit, little-endian, version 1
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(50, 18); // EM_IA_64
  header.writeUInt32LE(1, 20);
  return header;
}

interface BadCommand {
  name: string;
  /** Arguments of supervise, run in a fresh directory holding the files `prepare` made. */
  args: string[];
  prepare?(cwd: string): void;
  code: number;
  stderr: string;
  /** A file in the working directory that must not exist afterwards (the command never ran). */
  absent?: string;
}

const BAD_COMMANDS: BadCommand[] = [
  { name: 'a missing executable', args: ['-p', 'status/x', '-f', '/no/such/program --flag'], code: 112, stderr: 'supervise: unable to run /no/such/program: not found' },
  { name: 'a program not on PATH', args: ['-u', 'status/x', 'no-such-program-here'], code: 112, stderr: 'supervise: unable to run no-such-program-here: not found on PATH' },
  {
    name: 'a file without execute bits (root included)',
    args: ['-p', 'status/x', '-f', './script.sh'],
    prepare: (cwd) => {
      writeFileSync(join(cwd, 'script.sh'), '#!/bin/sh\nexec sleep 1000\n');
      chmodSync(join(cwd, 'script.sh'), 0o644);
    },
    code: 112,
    stderr: 'supervise: unable to run ./script.sh: not executable',
  },
  { name: 'a directory', args: ['-u', 'status/x', './adir'], prepare: (cwd) => mkdirSync(join(cwd, 'adir')), code: 112, stderr: 'supervise: unable to run ./adir: is a directory' },
  {
    name: 'a script whose #! interpreter is missing',
    args: ['-u', 'status/x', './script.sh'],
    prepare: (cwd) => {
      writeFileSync(join(cwd, 'script.sh'), '#!/no/such/interpreter\n');
      chmodSync(join(cwd, 'script.sh'), 0o755);
    },
    code: 112,
    stderr: 'supervise: unable to start ./script.sh: bad interpreter /no/such/interpreter in ',
  },
  {
    name: 'an ELF binary for another architecture',
    args: ['-u', 'status/x', './foreign'],
    prepare: (cwd) => writeExecutable(join(cwd, 'foreign'), foreignElfHeader()),
    code: 112,
    stderr: `supervise: unable to run ./foreign: exec format error (an ELF binary for ia64, this host is ${process.arch})`,
  },
  {
    name: 'a script without #! (execvp would hand it to sh)',
    args: ['-p', 'status/x', '-f', './script.sh'],
    prepare: (cwd) => writeExecutable(join(cwd, 'script.sh'), `touch ${join(cwd, 'ran-by-sh')}\nexec sleep 1000\n`),
    code: 112,
    stderr: 'supervise: unable to run ./script.sh: exec format error',
    absent: 'ran-by-sh',
  },
  {
    name: 'an empty executable file',
    args: ['-u', 'status/x', './empty'],
    prepare: (cwd) => writeExecutable(join(cwd, 'empty'), ''),
    code: 112,
    stderr: 'supervise: unable to run ./empty: exec format error',
  },
  {
    name: 'a variable assignment in front of the command, with a hint that no shell runs',
    args: ['-p', 'status/x', '-f', 'FOO=bar ./app'],
    code: 112,
    stderr: `supervise: unable to run FOO=bar: not found on PATH (supervise runs no shell: set FOO in the environment of supervise, or run -f "sh -c '...'")`,
  },
  {
    name: 'a shell builtin and && in the command, with a hint that no shell runs',
    args: ['-p', 'status/x', '-f', 'cd /tmp && ./app'],
    code: 112,
    stderr: `supervise: unable to run cd: not found on PATH (supervise runs no shell: run -f "sh -c '...'" for shell syntax)`,
  },
  { name: 'a missing -r hook', args: ['-r', './no-such-hook', '-u', 'status/x', 'sleep', '1000'], code: 112, stderr: 'supervise: unable to run restart hook ./no-such-hook: not found' },
  {
    // --foreground takes the ordinary path, which checks the hook as the early path does.
    name: 'a missing -r hook with --foreground',
    args: ['--foreground', '-r', 'no-such-hook', '-p', 'status/x', '-f', 'sleep 1000'],
    code: 112,
    stderr: 'supervise: unable to run restart hook no-such-hook: not found on PATH',
  },
  {
    name: 'a -r hook without #!',
    args: ['-r', './hook', '-p', 'status/x', '-f', 'sleep 1000'],
    prepare: (cwd) => writeExecutable(join(cwd, 'hook'), 'exit 0\n'),
    code: 112,
    stderr: 'supervise: unable to run restart hook ./hook: exec format error',
  },
  { name: 'an empty -f string', args: ['-p', 'status/x', '-f', ''], code: 100, stderr: 'supervise: empty command' },
  { name: 'a -f string of blanks', args: ['-p', 'status/x', '-f', ' \t '], code: 100, stderr: 'supervise: empty command' },
  { name: 'an empty -u command word', args: ['-u', 'status/x', ''], code: 100, stderr: 'supervise: empty command' },
  { name: 'an unbalanced single quote', args: ['-p', 'status/x', '-f', "sleep '100"], code: 100, stderr: "supervise: unbalanced single quote in command: sleep '100" },
  { name: 'an unbalanced double quote', args: ['-p', 'status/x', '-f', 'sleep "100'], code: 100, stderr: 'supervise: unbalanced double quote in command: sleep "100' },
  { name: 'a trailing backslash', args: ['-p', 'status/x', '-f', 'sleep 100\\'], code: 100, stderr: 'supervise: trailing backslash in command: sleep 100\\' },
];

describe('bad commands', () => {
  it.each(BAD_COMMANDS)('rejects $name with one line and exit $code, leaving nothing running', async ({ args, prepare, code, stderr, absent }) => {
    const cwd = makeTempDir();
    prepare?.(cwd);
    const result = await runSupervise(args, { cwd, statusDir: 'status/x' });
    expect(result.code).toBe(code);
    expect(result.stderr.startsWith(stderr), result.stderr).toBe(true);
    expect(result.stderr.endsWith('\n') && result.stderr.indexOf('\n') === result.stderr.length - 1).toBe(true);
    expect(result.stdout).toBe('');
    // Nothing was started: no status was ever written, and nobody holds the lock.
    expect(existsSync(join(cwd, 'status/x/status'))).toBe(false);
    if (existsSync(join(cwd, 'status/x/lock'))) {
      expect((await runCommand('flock', ['-n', join(cwd, 'status/x/lock'), 'true'])).code).toBe(0);
    }
    if (absent) expect(existsSync(join(cwd, absent))).toBe(false);
  });
});

describe('a command replaced while supervised', () => {
  it('refuses a file that is no longer runnable at the next start, with a WARNING, and never hands it to sh', async () => {
    const cwd = makeTempDir();
    const app = join(cwd, 'app');
    const marker = join(cwd, 'ran-by-sh');
    writeExecutable(app, '#!/bin/sh\nexec sleep 1000\n');
    const { dir, daemonPid, servicePid } = await startSupervised([app], { cwd });
    // A deploy puts a file without #! in its place: execvp would run it with /bin/sh.
    writeExecutable(`${app}.new`, `touch ${marker}\nexec sleep 1000\n`);
    renameSync(`${app}.new`, app);
    process.kill(servicePid, 'SIGKILL');
    await waitForLog(dir, `unable to start service svc: exec format error`, 'supervise.log.wf');
    // The retry a second later is checked too, not only the first start.
    await waitFor(() => countLogLines(dir, /^\[WARNING\] .* unable to start service svc: exec format error/, 'supervise.log.wf') >= 2 || undefined, {
      what: 'a second failed start',
    });
    expect(existsSync(marker)).toBe(false);
    expect(readStatus(dir).pid).toBe(0);
    expect(isAlive(daemonPid)).toBe(true);
    // A runnable file again: the next start runs it.
    writeExecutable(`${app}.new`, '#!/bin/sh\nexec sleep 1000\n');
    renameSync(`${app}.new`, app);
    await waitForServicePid(dir, servicePid);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('awkward but valid paths', () => {
  it('supervises in a status directory whose name has spaces and non-ASCII letters', async () => {
    const dir = join(makeTempDir(), 'status', 'my svc ünï 服务');
    const { servicePid, daemonPid } = await startSupervised([join(FIXTURES, 'forever.sh')], { dir });
    await waitForLog(dir, 'service my svc ünï 服务 started, pid');
    const od = await runCommand('od', ['-An', '-j16', '-N4', '-tu4', join(dir, 'status')]);
    expect(Number(od.stdout.trim())).toBe(servicePid);
    expect(readStatusJson(dir).module).toBe('my svc ünï 服务');
    const ctl = await runCommand(join(REPO_ROOT, 'bin/supervisectl'), ['status', dir]);
    expect(ctl.stdout).toContain(`${dir}: up (pid ${servicePid})`);
    writeControl(dir, 'k');
    await waitForServicePid(dir, servicePid);
    expect(isAlive(daemonPid)).toBe(true);
  });

  it('takes a relative status directory, command and config against the caller\'s working directory, and keeps it', async () => {
    const cwd = makeTempDir();
    mkdirSync(join(cwd, 'bin'));
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'bin/app.sh'), '#!/bin/sh\necho "cwd $(pwd)"\nexec sleep 1000\n');
    chmodSync(join(cwd, 'bin/app.sh'), 0o755);
    writeFileSync(join(cwd, 'conf/supervise.conf'), '[global]\nmax_tries : 9\n');

    const result = await runSupervise(['-F', 'conf/supervise.conf', '-u', 'status/rel//', './bin/app.sh'], { cwd, statusDir: 'status/rel' });
    expect(result.code, result.stderr).toBe(0);
    const dir = join(cwd, 'status/rel');
    const { supervisePid, pid, module, limits } = readStatusJson(dir);
    expect(module).toBe('rel');
    expect(limits.maxTries).toBe(9);
    expect(readlinkSync(`/proc/${supervisePid}/cwd`)).toBe(cwd);
    expect(readStatus(dir).pid).toBe(pid);
    expect(readFileSync(join(dir, '__stdout'), 'utf8')).toBe(`cwd ${cwd}\n`);
    // The relative paths keep working from the same directory, as start scripts use them.
    const ctl = await runCommand(join(REPO_ROOT, 'bin/supervisectl'), ['status', 'status/rel'], { cwd });
    expect(ctl.stdout).toContain(`status/rel: up (pid ${pid})`);
  });
});
