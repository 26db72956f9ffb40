// Issue 16, the process itself: no Node inspector whatever signal or
// environment supervise is given (defect 1), none of the caller's descriptors
// in the daemon or the service (7), a name the process tools find (14),
// arguments that are not UTF-8 refused (16), Node found without PATH, and a
// descriptor limit too low for Node told in one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FOREVER,
  REPO_ROOT,
  SUPERVISECTL_BIN,
  SUPERVISE_BIN,
  daemonPidOf,
  isAlive,
  killDaemonAfterTest,
  readStatus,
  runCommand,
  runSupervise,
  startSupervised,
  waitForServicePid,
} from '../helpers/supervise-process.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** --inspect on a port of the kernel's choosing, so parallel tests never collide on 9229. */
const INSPECT = '--inspect=127.0.0.1:0';
/** 测试 in GBK, as a Chinese host's shell would pass it. */
const GBK_BYTES = "$'\\xb2\\xe2\\xca\\xd4'";
const GBK_ESCAPED = '\\xb2\\xe2\\xca\\xd4';

/** The TCP and UDP sockets `pid` listens on, as ss reports them. */
async function listeningSocketsOf(pid: number): Promise<string[]> {
  const ss = await runCommand('ss', ['-Hltunp']);
  expect(ss.code, ss.stderr).toBe(0);
  return ss.stdout.split('\n').filter((line) => line.includes(`pid=${pid},`));
}

/** What the descriptors of `pid` point at, by number. */
function descriptorsOf(pid: number): Map<number, string> {
  const targets = new Map<number, string>();
  for (const entry of readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.set(Number(entry), readlinkSync(`/proc/${pid}/fd/${entry}`));
    } catch {
      // closed while we looked
    }
  }
  return targets;
}

interface LongRunning {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
}

/** Starts a long-running command, killed after the test, its output collected. */
function startLongRunning(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): LongRunning {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Waits for the service to have written `env` into `file`, and returns its lines. */
async function recordedEnvironment(file: string): Promise<string[]> {
  return waitFor(() => (existsSync(file) && readFileSync(file, 'utf8').endsWith('\nEND\n') ? readFileSync(file, 'utf8').split('\n') : undefined), {
    what: `the service environment in ${file}`,
  });
}

/** A service that records its environment (a shell: a Node fixture would itself obey NODE_OPTIONS). */
function envRecorder(file: string): string[] {
  return ['sh', '-c', 'env > "$0.new"; echo END >> "$0.new"; mv "$0.new" "$0"; exec sleep infinity', file];
}

describe('no inspector (defect 1)', () => {
  it('logs USR1 and USR2 to the daemon as ignored; the daemon and service live on and the daemon listens on no socket', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    process.kill(daemonPid, 'SIGUSR1');
    await waitForLog(dir, 'SIGUSR1 received: ignored');
    process.kill(daemonPid, 'SIGUSR2');
    await waitForLog(dir, 'SIGUSR2 received: ignored');
    expect(isAlive(daemonPid)).toBe(true);
    expect(isAlive(servicePid)).toBe(true);
    expect(readStatus(dir).pid).toBe(servicePid);
    expect(await listeningSocketsOf(daemonPid)).toEqual([]);
  });

  it('NODE_OPTIONS=--inspect opens no inspector in supervise or its daemon, and the service still gets NODE_OPTIONS', async () => {
    const root = makeTempDir();
    const dir = join(root, 'status', 'svc');
    const envFile = join(root, 'env.txt');
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-u', dir, ...envRecorder(envFile)], { env: { ...process.env, NODE_OPTIONS: INSPECT } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const daemonPid = daemonPidOf(dir);
    const seen = await recordedEnvironment(envFile);
    expect(seen).toContain(`NODE_OPTIONS=${INSPECT}`);
    expect(seen.filter((line) => line.startsWith('SUPERVISE_'))).toEqual([]);
    expect(await listeningSocketsOf(daemonPid)).toEqual([]);
  });

  it('NODE_OPTIONS=--inspect opens no inspector in supervise --foreground, and the service still gets NODE_OPTIONS', async () => {
    const root = makeTempDir();
    const dir = join(root, 'status', 'fg');
    const envFile = join(root, 'env.txt');
    killDaemonAfterTest(dir);
    const { child, stderr } = startLongRunning(SUPERVISE_BIN, ['--foreground', '-u', dir, ...envRecorder(envFile)], { ...process.env, NODE_OPTIONS: INSPECT });
    const seen = await recordedEnvironment(envFile);
    expect(seen).toContain(`NODE_OPTIONS=${INSPECT}`);
    expect(await listeningSocketsOf(child.pid as number)).toEqual([]);
    process.kill(child.pid as number, 'SIGUSR1');
    await waitForLog(dir, 'SIGUSR1 received: ignored');
    expect(await listeningSocketsOf(child.pid as number)).toEqual([]);
    expect(stderr()).not.toContain('Debugger');
  });

  it('NODE_OPTIONS=--inspect opens no inspector in supervisectl', async () => {
    const { dir } = await startSupervised(['sh', '-c', 'echo ready; exec sleep infinity']);
    const env = { ...process.env, NODE_OPTIONS: INSPECT };
    const status = await runCommand(SUPERVISECTL_BIN, ['status', dir], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toBe('');
    // One that stays: `logs -f` prints the service's output, so Node has run our code, then runs until killed.
    const follower = startLongRunning(SUPERVISECTL_BIN, ['logs', '-f', dir], env);
    await waitFor(() => follower.stdout().includes('ready') || undefined, { what: 'supervisectl logs -f printing the output' });
    expect(await listeningSocketsOf(follower.child.pid as number)).toEqual([]);
    expect(follower.stderr()).not.toContain('Debugger');
  });
});

describe("the caller's descriptors (defect 7)", () => {
  /** A deploy script: opens deploy.lock as fd 200, takes its flock lock, then runs `command`. */
  function deployScript(lockPath: string, command: string): string[] {
    return ['-c', `exec 200>"$0"; flock -n 200 || exit 9; ${command}`, lockPath];
  }

  function expectNoDescriptorOn(pid: number, path: string): void {
    expect([...descriptorsOf(pid)].filter(([, target]) => target === path)).toEqual([]);
  }

  it('reach neither the daemon nor the service: the deploy lock is free while the service runs', async () => {
    const root = makeTempDir();
    const lockPath = join(root, 'deploy.lock');
    const dir = join(root, 'status', 'b');
    killDaemonAfterTest(dir);
    const result = await runCommand('bash', [...deployScript(lockPath, '"$1" -u "$2" sleep 1000'), SUPERVISE_BIN, dir]);
    expect(result.code, result.stderr).toBe(0);
    const servicePid = readStatus(dir).pid;
    const daemonPid = daemonPidOf(dir);

    expect([...descriptorsOf(servicePid).keys()].sort()).toEqual([0, 1, 2]);
    expectNoDescriptorOn(daemonPid, lockPath);
    expect((await runCommand('flock', ['-n', lockPath, 'true'])).code).toBe(0);
    expect(isAlive(servicePid)).toBe(true);
  });

  it('reach neither supervise --foreground nor its service', async () => {
    const root = makeTempDir();
    const lockPath = join(root, 'deploy.lock');
    const dir = join(root, 'status', 'fg');
    killDaemonAfterTest(dir);
    // exec: supervise takes the script's place, so nothing else holds fd 200.
    const { child } = startLongRunning('bash', [...deployScript(lockPath, 'exec "$1" --foreground -u "$2" sleep 1000'), SUPERVISE_BIN, dir]);
    const servicePid = await waitFor(() => (existsSync(join(dir, 'status')) ? readStatus(dir).pid || undefined : undefined), {
      what: 'the service started in the foreground',
    });

    expect([...descriptorsOf(servicePid).keys()].sort()).toEqual([0, 1, 2]);
    expectNoDescriptorOn(child.pid as number, lockPath);
    expect((await runCommand('flock', ['-n', lockPath, 'true'])).code).toBe(0);
  });
});

describe('the process name (defect 14)', () => {
  it('is supervise to pidof, pgrep -x and ps -C, and ps shows the arguments', async () => {
    const dir = join(makeTempDir(), 'status', 'x');
    const result = await runSupervise(['-p', dir, '-f', 'sleep 1000'], { statusDir: dir });
    expect(result.code, result.stderr).toBe(0);
    const daemonPid = daemonPidOf(dir);
    const pidsFrom = async (file: string, args: string[]): Promise<number[]> =>
      (await runCommand(file, args)).stdout.split(/\s+/).filter((word) => word !== '').map(Number);

    // Other tests' daemons may be found too: look for ours only.
    expect(await pidsFrom('pidof', ['supervise'])).toContain(daemonPid);
    expect(await pidsFrom('pgrep', ['-x', 'supervise'])).toContain(daemonPid);
    expect(await pidsFrom('ps', ['-C', 'supervise', '-o', 'pid='])).toContain(daemonPid);
    const args = await runCommand('ps', ['-o', 'args=', '-p', String(daemonPid)]);
    expect(args.stdout.trim()).toBe(`supervise -p ${dir} -f "sleep 1000"`);
  });

  it('is supervise in --foreground mode too', async () => {
    const dir = join(makeTempDir(), 'status', 'fg');
    killDaemonAfterTest(dir);
    const { child } = startLongRunning(SUPERVISE_BIN, ['--foreground', '-u', dir, FOREVER]);
    await waitFor(() => (existsSync(join(dir, 'status')) ? readStatus(dir).pid || undefined : undefined), { what: 'the service started in the foreground' });
    const pgrep = await runCommand('pgrep', ['-x', 'supervise']);
    expect(pgrep.stdout.split('\n').map(Number)).toContain(child.pid);
    const args = await runCommand('ps', ['-o', 'args=', '-p', String(child.pid)]);
    expect(args.stdout.trim()).toBe(`supervise --foreground -u ${dir} ${FOREVER}`);
  });
});

describe('arguments that are not UTF-8 (defect 16)', () => {
  /** Runs `script` in bash with $bad holding GBK bytes, $1 supervise, $2 supervisectl and $3 a fresh directory. */
  async function runWithGbk(script: string): Promise<{ code: number | null; stdout: string; stderr: string; root: string }> {
    const root = makeTempDir();
    const result = await runCommand('bash', ['-c', `bad=${GBK_BYTES}; ${script}`, 'bash', SUPERVISE_BIN, SUPERVISECTL_BIN, root], { cwd: root });
    return { ...result, root };
  }

  it.each([
    ['-p DIR', '"$1" -p "$3/status/$bad" -f "sleep 1000"', (root: string) => `${root}/status/${GBK_ESCAPED}`],
    ['-f COMMAND', '"$1" -p "$3/status/a" -f "sleep 1000 $bad"', () => `sleep 1000 ${GBK_ESCAPED}`],
    ['-u DIR COMMAND ARG', '"$1" -u "$3/status/a" echo "x$bad"', () => `x${GBK_ESCAPED}`],
  ])('%s: exit 100, the argument named with its bytes escaped, nothing created', async (_, script, argument) => {
    const { code, stderr, root } = await runWithGbk(script);
    expect(code).toBe(100);
    expect(stderr).toBe(`supervise: unable to use argument "${argument(root)}": not valid UTF-8\n`);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a working directory that is not UTF-8: exit 100, nothing created', async () => {
    // The directory is listed by bash: its name does not survive Node's decoding.
    const { code, stdout, stderr, root } = await runWithGbk('mkdir "$3/$bad" && cd "$3/$bad" && { "$1" -u status/a sleep 1000; code=$?; ls -A; exit $code; }');
    expect(code).toBe(100);
    expect(stderr).toBe(`supervise: unable to use the working directory "${root}/${GBK_ESCAPED}": not valid UTF-8\n`);
    expect(stdout).toBe('');
  });

  it('supervisectl: exit 100 naming the argument', async () => {
    const { code, stderr, root } = await runWithGbk('"$2" status "$3/status/$bad"');
    expect(code).toBe(100);
    expect(stderr).toBe(`supervisectl: unable to use argument "${root}/status/${GBK_ESCAPED}": not valid UTF-8\n`);
  });
});

describe('how bin/ starts Node', () => {
  it.each([
    { label: 'PATH=/nonexistent', path: ['PATH=/nonexistent'] },
    { label: 'no PATH at all', path: [] },
  ])('finds Node without PATH (env -i, $label)', async ({ path }) => {
    for (const [bin, args] of [[SUPERVISE_BIN, ['-v']], [SUPERVISECTL_BIN, ['--help']]] as const) {
      const result = await runCommand('env', ['-i', ...path, bin, ...args]);
      expect(result.code, result.stderr).toBe(0);
      if (bin === SUPERVISE_BIN) expect(result.stdout).toBe(`supervise ${VERSION}\n`);
    }
  });

  it.each([14, 20, 28, 63])('refuses a descriptor limit of %i in one line, exit 111, creating nothing', async (limit) => {
    const dir = join(makeTempDir(), 'status', 'a');
    for (const bin of [SUPERVISE_BIN, SUPERVISECTL_BIN]) {
      const name = bin === SUPERVISE_BIN ? 'supervise' : 'supervisectl';
      const result = await runCommand('prlimit', [`--nofile=${limit}:${limit}`, bin, ...(bin === SUPERVISE_BIN ? ['-u', dir, 'sleep', '1000'] : ['status', dir])]);
      expect(result.code).toBe(111);
      expect(result.stderr).toBe(`${name}: unable to start: too few file descriptors (ulimit -n ${limit}, 64 needed)\n`);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it.each(['64:64', '20:4096'])('starts with a descriptor limit of %s (Node raises the soft limit to the hard one)', async (limits) => {
    const dir = join(makeTempDir(), 'status', 'a');
    killDaemonAfterTest(dir);
    const result = await runCommand('prlimit', [`--nofile=${limits}`, SUPERVISE_BIN, '-u', dir, FOREVER]);
    expect(result.code, result.stderr).toBe(0);
    await waitForServicePid(dir);
  });
});
