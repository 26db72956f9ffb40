// supervisectl against real supervise daemons, real FIFOs and real services.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  FIXTURES,
  FOREVER,
  REPO_ROOT,
  SUPERVISECTL_BIN,
  countLogLines,
  isAlive,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForSupervisionEnd,
  waitForServicePid,
  waitForSignalHandled,
  writeControl,
} from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { createUnprivilegedUser } from '../../helpers/unprivileged-user.js';
import { waitFor } from '../../helpers/wait-for.js';
import { itUnlessScan, SCAN_DIFFERS } from '../../helpers/test-mode.js';

const IGNORE_TERM = join(FIXTURES, 'ignore-term.sh');
const PRINT = join(FIXTURES, 'print.sh');
const CRASH = join(FIXTURES, 'crash-signal.sh');
const EXIT_AT_ONCE = join(FIXTURES, 'exit-at-once.sh');

/** Runs supervisectl to completion; a hang fails the test instead of stalling it. */
function ctl(...args: string[]) {
  return runCommand(SUPERVISECTL_BIN, args, { timeoutMs: 20_000 });
}

/** A status directory whose supervise has exited, as left behind on disk. */
async function stoppedStatusDir(): Promise<string> {
  const service = await startSupervised([FOREVER]);
  writeControl(service.dir, 'dx');
  await waitForSupervisionEnd(service);
  return service.dir;
}

function waitForLogLine(dir: string, pattern: RegExp, count = 1): Promise<true> {
  return waitFor(() => countLogLines(dir, pattern) >= count, { what: `${count} line(s) ${pattern} in ${dir}/supervise.log` });
}

describe('supervisectl status', () => {
  it('prints one svstat-like line per directory, in order, for every state', async () => {
    const up = await startSupervised([FOREVER]);
    const paused = await startSupervised([FOREVER]);
    const silenced = await startSupervised([FOREVER]);
    const down = await startSupervised([FOREVER]);
    const once = await startSupervised([FOREVER]);
    const stopping = await startSupervised([IGNORE_TERM]);
    await waitForSignalHandled(stopping.servicePid, 'SIGTERM');
    const gone = await stoppedStatusDir();

    writeControl(paused.dir, 'p');
    writeControl(silenced.dir, 's');
    writeControl(down.dir, 'd');
    writeControl(once.dir, 'o');
    writeControl(stopping.dir, 'd');
    await waitFor(() => readStatus(paused.dir).paused, { what: 'the paused flag' });
    await waitFor(() => !readStatus(silenced.dir).alarmsOn, { what: 'alarms off' });
    await waitFor(() => readStatus(down.dir).pid === 0, { what: 'pid 0 after d' });
    await waitFor(() => readStatus(once.dir).want === 'once', { what: 'want once' });
    await waitFor(() => readStatus(stopping.dir).want === 'down', { what: 'want down' });

    const result = await ctl('status', up.dir, paused.dir, silenced.dir, down.dir, once.dir, stopping.dir, gone);
    const lines = result.stdout.trimEnd().split('\n');
    const seconds = String.raw`\d+ seconds`;
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(new RegExp(`^${up.dir}: up \\(pid ${up.servicePid}\\) ${seconds}, normally up, alarms on$`));
    expect(lines[1]).toMatch(new RegExp(`^${paused.dir}: up \\(pid ${paused.servicePid}\\) ${seconds}, normally up, paused, alarms on$`));
    expect(lines[2]).toMatch(new RegExp(`^${silenced.dir}: up \\(pid \\d+\\) ${seconds}, normally up, alarms off$`));
    expect(lines[3]).toMatch(new RegExp(`^${down.dir}: down ${seconds}, normally down, alarms on$`));
    expect(lines[4]).toMatch(new RegExp(`^${once.dir}: up \\(pid ${once.servicePid}\\) ${seconds}, once, alarms on$`));
    expect(lines[5]).toMatch(new RegExp(`^${stopping.dir}: up \\(pid ${stopping.servicePid}\\) ${seconds}, want down, alarms on$`));
    expect(lines[6]).toBe(`${gone}: supervise not running`);
    // Among several directories a not-running one counts as one failure.
    expect(result.code).toBe(1);
  });

  it('exits 0 when every supervise runs, 111 for a single directory without one', async () => {
    const running = await startSupervised([FOREVER]);
    const gone = await stoppedStatusDir();
    expect((await ctl('status', running.dir, `${running.dir}/`)).code).toBe(0);
    const single = await ctl('status', gone);
    expect(single.stdout).toBe(`${gone}: supervise not running\n`);
    expect(single.code).toBe(111);
  });

  it('--json prints the status.json objects, marking a directory without supervise', async () => {
    const dir = makeTempDir();
    const conf = join(dir, 'supervise.conf');
    writeFileSync(conf, '[global]\nalarm_interval : 60\n');
    const crashing = await startSupervised([CRASH, 'SEGV'], { args: ['-F', conf], cwd: dir });
    const exiting = await startSupervised([EXIT_AT_ONCE, '3'], { args: ['-F', conf], cwd: dir });
    const killed = await startSupervised([FOREVER]);
    const gone = await stoppedStatusDir();
    writeControl(killed.dir, 'k');
    await waitForServicePid(killed.dir, killed.servicePid);
    await waitFor(() => readStatusJson(crashing.dir).starts >= 2, { what: 'the crashing service restarted' });
    await waitFor(() => readStatusJson(exiting.dir).lastExit !== null, { what: 'the exiting service exited' });

    const result = await ctl('status', '--json', crashing.dir, exiting.dir, killed.dir, gone);
    const objects = JSON.parse(result.stdout) as Record<string, any>[];
    expect(objects).toHaveLength(4);
    expect(objects[0]).toMatchObject({
      statusDir: crashing.dir,
      supervised: true,
      module: 'svc',
      supervisePid: crashing.daemonPid,
      lastExit: { code: null, signal: 'SIGSEGV', coreDumped: true, expected: false },
      alarmWindow: { exits: expect.any(Number), coreDumps: expect.any(Number) },
      limits: { alarmInterval: 60 },
    });
    expect(objects[0].starts).toBeGreaterThanOrEqual(2);
    expect(objects[0].alarmWindow.coreDumps).toBeGreaterThanOrEqual(1);
    expect(objects[1]).toMatchObject({
      supervised: true,
      lastExit: { code: 3, signal: null, coreDumped: false, expected: false },
      alarmWindow: { exits: expect.any(Number), coreDumps: 0 },
    });
    expect(objects[2]).toMatchObject({
      supervised: true,
      state: 'up',
      starts: 2,
      lastExit: { code: null, signal: 'SIGKILL', coreDumped: false, expected: true },
      alarmWindow: null,
    });
    expect(objects[3]).toEqual({ statusDir: gone, supervised: false });
    expect(result.code).toBe(1);
  });
});

describe('supervisectl verbs with --wait', () => {
  itUnlessScan(SCAN_DIFFERS.x)('stop waits for pid 0, start for a pid, restart for a new pid, exit for supervise gone', async () => {
    const service = await startSupervised([FOREVER]);

    const stop = await ctl('stop', '--wait', service.dir);
    expect(stop).toMatchObject({ code: 0, stderr: '' });
    expect(readStatus(service.dir).pid).toBe(0);
    expect(isAlive(service.servicePid)).toBe(false);

    const start = await ctl('start', '--wait', service.dir);
    expect(start).toMatchObject({ code: 0, stderr: '' });
    const started = readStatus(service.dir).pid;
    expect(started).not.toBe(0);
    expect(isAlive(started)).toBe(true);

    const restart = await ctl('restart', '--wait=5', service.dir);
    expect(restart).toMatchObject({ code: 0, stderr: '' });
    const restarted = readStatus(service.dir).pid;
    expect(restarted).not.toBe(0);
    expect(restarted).not.toBe(started);
    expect(isAlive(started)).toBe(false);

    await ctl('stop', '--wait', service.dir);
    const exit = await ctl('exit', '--wait', service.dir);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    // A new supervise could take the lock right now.
    expect((await runCommand('flock', ['-n', join(service.dir, 'lock'), 'true'])).code).toBe(0);
    expect(isAlive(service.daemonPid)).toBe(false);
  });

  it('once --wait returns with the service up and want once', async () => {
    const service = await startSupervised([FOREVER]);
    await ctl('stop', '--wait', service.dir);
    expect(await ctl('once', '--wait', service.dir)).toMatchObject({ code: 0, stderr: '' });
    const status = readStatus(service.dir);
    expect(status.pid).not.toBe(0);
    expect(status.want).toBe('once');
  });

  it('restart brings up a service that was stopped', async () => {
    const service = await startSupervised([FOREVER]);
    await ctl('stop', '--wait', service.dir);
    expect(await ctl('restart', '--wait', service.dir)).toMatchObject({ code: 0, stderr: '' });
    expect(readStatus(service.dir)).toMatchObject({ want: 'up', pid: expect.any(Number) });
    expect(readStatus(service.dir).pid).not.toBe(0);
  });

  it('waits for several directories side by side and counts each that got stuck', async () => {
    const plain = await startSupervised([FOREVER]);
    const stubborn = await startSupervised([IGNORE_TERM]);
    const alsoStubborn = await startSupervised([IGNORE_TERM]);
    await waitForSignalHandled(stubborn.servicePid, 'SIGTERM');
    await waitForSignalHandled(alsoStubborn.servicePid, 'SIGTERM');
    const result = await ctl('stop', '--wait=1', plain.dir, stubborn.dir, alsoStubborn.dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n').sort()).toEqual(
      [
        `${stubborn.dir}: still up (pid ${stubborn.servicePid}) after 1 s, wanted down`,
        `${alsoStubborn.dir}: still up (pid ${alsoStubborn.servicePid}) after 1 s, wanted down`,
      ].sort(),
    );
    expect(readStatus(plain.dir).pid).toBe(0);
  });

  it('stop --wait=1 on a service that ignores TERM exits 1 saying where it is stuck', async () => {
    const service = await startSupervised([IGNORE_TERM]);
    await waitForSignalHandled(service.servicePid, 'SIGTERM');
    const result = await ctl('stop', '--wait=1', service.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${service.dir}: still up (pid ${service.servicePid}) after 1 s, wanted down\n`);
    expect(isAlive(service.servicePid)).toBe(true);
  });

  // exit stops the service first (d then x); one that ignores TERM, with no stop_timeout, keeps supervise there.
  it('exit --wait on a service still up reports supervise still there', async () => {
    const service = await startSupervised([IGNORE_TERM]);
    await waitForSignalHandled(service.servicePid, 'SIGTERM');
    const result = await ctl('exit', '--wait=1', service.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${service.dir}: still supervised, service up (pid ${service.servicePid}) after 1 s, wanted supervise gone\n`,
    );
  });
});

describe('supervisectl writes the letters of each verb', () => {
  it.each([
    ['pause', 'p'],
    ['cont', 'c'],
    ['hup', 'h'],
    ['alarm-signal', 'a'],
    ['int', 'i'],
    ['term', 't'],
    ['kill', 'k'],
    ['reload', 'r'],
  ])('%s writes %s', async (verb, letter) => {
    const service = await startSupervised([FOREVER]);
    expect(await ctl(verb, service.dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    await waitForLogLine(service.dir, new RegExp(`control command ${letter} \\(`));
  });

  it('alarm off writes s and alarm on writes n, as status shows', async () => {
    const service = await startSupervised([FOREVER]);
    expect((await ctl('alarm', 'off', service.dir)).code).toBe(0);
    await waitFor(() => !readStatus(service.dir).alarmsOn, { what: 'alarms off in status' });
    expect((await ctl('alarm', 'on', service.dir)).code).toBe(0);
    await waitFor(() => readStatus(service.dir).alarmsOn, { what: 'alarms on in status' });
    await waitForLogLine(service.dir, /control command s \(/);
    await waitForLogLine(service.dir, /control command n \(/);
  });
});

describe('supervisectl without a supervise, or without a status directory', () => {
  it('says "supervise not running" in one line and exits 111 instead of hanging on the FIFO', async () => {
    const gone = await stoppedStatusDir();
    for (const verb of ['stop', 'start', 'restart', 'exit', 'hup']) {
      const result = await ctl(verb, '--wait', gone);
      expect(result).toMatchObject({ code: 111, stdout: '', stderr: `${gone}: supervise not running\n` });
    }
    expect(await ctl('alarm', 'off', gone)).toMatchObject({ code: 111, stderr: `${gone}: supervise not running\n` });
    expect(await ctl('check', gone)).toMatchObject({ code: 111, stderr: `${gone}: supervise not running\n` });
  });

  it('check exits 0 silently when a supervise runs on every directory, else counts the others', async () => {
    const first = await startSupervised([FOREVER]);
    const second = await startSupervised([FOREVER]);
    const gone = await stoppedStatusDir();
    expect(await ctl('check', first.dir, second.dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await ctl('check', first.dir, gone, second.dir)).code).toBe(1);
  });

  it('among several directories, a not-running one counts as one failure and the rest are still done', async () => {
    const running = await startSupervised([FOREVER]);
    const gone = await stoppedStatusDir();
    const result = await ctl('stop', '--wait', gone, running.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${gone}: supervise not running\n`);
    expect(readStatus(running.dir).pid).toBe(0);
  });

  it('exits 100 naming a path that is not a status directory, before writing anywhere', async () => {
    const running = await startSupervised([FOREVER]);
    const empty = makeTempDir();
    const missing = join(empty, 'status', 'nothing');
    const missingResult = await ctl('stop', running.dir, missing);
    expect(missingResult.code).toBe(100);
    expect(missingResult.stderr).toBe(`supervisectl: unable to use ${missing}: not a status directory (it does not exist)\n`);
    const emptyResult = await ctl('status', empty);
    expect(emptyResult.code).toBe(100);
    expect(emptyResult.stderr).toContain(empty);
    expect(readStatus(running.dir).want).toBe('up');
    expect(countLogLines(running.dir, /control command/)).toBe(0);
  });

  // Issue 16: after a failed first start `status` said "not a status directory".
  it('says "supervise not running" for a directory left by a failed first start, which has no status file', async () => {
    const root = makeTempDir();
    // Exists and is executable, so supervise gets as far as its daemon, whose start fails.
    const app = join(root, 'app');
    writeFileSync(app, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    const dir = join(root, 'status', 'app');
    const start = await runCommand(join(REPO_ROOT, 'bin/supervise'), ['-u', dir, app]);
    expect(start.code).toBe(112);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['lock', 'control', 'ok', 'supervise.log']));
    expect(existsSync(join(dir, 'status'))).toBe(false);

    const notRunning = { code: 111, stdout: '', stderr: `${dir}: supervise not running\n` };
    expect(await ctl('status', dir)).toMatchObject({ ...notRunning, stdout: `${dir}: supervise not running\n`, stderr: '' });
    expect(JSON.parse((await ctl('status', '--json', dir)).stdout)).toEqual([{ statusDir: dir, supervised: false }]);
    for (const args of [['stop'], ['start', '--wait'], ['restart', '--wait'], ['check'], ['alarm', 'off']]) {
      expect(await ctl(...args, dir)).toMatchObject(notRunning);
    }
    // The daemon died before it made the FIFOs: the lock and logs say supervise was here.
    rmSync(join(dir, 'control'));
    rmSync(join(dir, 'ok'));
    expect(await ctl('status', dir)).toMatchObject({ code: 111, stdout: `${dir}: supervise not running\n` });
    expect(await ctl('stop', '--wait', dir)).toMatchObject(notRunning);
    expect(existsSync(join(dir, 'control'))).toBe(false);
  });

  it('still says "not a status directory" for a directory with none of supervise\'s files', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'notes'), 'not supervise\n');
    writeFileSync(join(dir, 'status'), 'a status file of something else\n');
    for (const args of [['status'], ['stop', '--wait'], ['check']]) {
      expect(await ctl(...args, dir)).toMatchObject({
        code: 100,
        stdout: '',
        stderr: `supervisectl: unable to use ${dir}: not a status directory (no control FIFO)\n`,
      });
    }
    // `echo d > control` with no supervise ever run leaves a regular file that would swallow letters.
    writeFileSync(join(dir, 'control'), 'd');
    expect(await ctl('stop', dir)).toMatchObject({
      code: 100,
      stderr: `supervisectl: unable to use ${dir}: not a status directory (control is not a FIFO)\n`,
    });
    expect(readFileSync(join(dir, 'control'), 'utf8')).toBe('d');
  });

  // Issue 16: a permission problem must never read as "supervise not running".
  itUnlessScan(SCAN_DIFFERS.statusDir)('names the path and "permission denied", exit 1, for a user who may not use root\'s status directory', async () => {
    const user = await createUnprivilegedUser();
    const root = makeTempDir();
    chmodSync(root, 0o755);
    const { dir, servicePid } = await startSupervised([FOREVER], { dir: join(root, 'status', 'svc') });
    const asUser = (...args: string[]) => user.run(SUPERVISECTL_BIN, args);

    // As supervise leaves it: status/ and status/svc 0700.
    const hidden = `supervisectl: unable to stat ${dir}: EACCES: permission denied\n`;
    for (const args of [['status'], ['status', '--json'], ['stop'], ['stop', '--wait'], ['check'], ['logs']]) {
      expect(await asUser(...args, dir)).toMatchObject({ code: 1, stdout: '', stderr: hidden });
    }
    // The directories opened to all, the FIFOs still 0600.
    chmodSync(join(root, 'status'), 0o755);
    chmodSync(dir, 0o755);
    const okDenied = `supervisectl: unable to open ${dir}/ok: EACCES: permission denied\n`;
    const controlDenied = `supervisectl: unable to open ${dir}/control: EACCES: permission denied\n`;
    expect(await asUser('status', dir)).toMatchObject({ code: 1, stdout: '', stderr: okDenied });
    expect(await asUser('check', dir)).toMatchObject({ code: 1, stdout: '', stderr: okDenied });
    expect(await asUser('stop', dir)).toMatchObject({ code: 1, stdout: '', stderr: controlDenied });
    expect(await asUser('restart', '--wait', dir)).toMatchObject({ code: 1, stdout: '', stderr: controlDenied });

    expect(readStatus(dir)).toMatchObject({ pid: servicePid, want: 'up' });
    expect(countLogLines(dir, /control command/)).toBe(0);
    // And root still gets the answer.
    expect((await ctl('check', dir)).code).toBe(0);
  });

  it('exits 100 with a one-line message for a usage error', async () => {
    const result = await ctl('frobnicate', 'status/x');
    expect(result.code).toBe(100);
    expect(result.stderr).toBe('supervisectl: unknown verb "frobnicate"; see supervisectl --help\n');
    const help = await ctl('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('supervisectl restart --wait status/redis');
  });
});

describe('supervisectl logs', () => {
  it('-n prints the last lines of __stdout, or of __stderr', async () => {
    const service = await startSupervised([PRINT]);
    writeControl(service.dir, 'k');
    const second = await waitForServicePid(service.dir, service.servicePid);
    await waitFor(() => (lineCount(join(service.dir, '__stdout')) >= 2 ? true : undefined), { what: 'two stdout lines' });
    await waitFor(() => (lineCount(join(service.dir, '__stderr')) >= 2 ? true : undefined), { what: 'two stderr lines' });

    expect(await ctl('logs', '-n', '1', service.dir)).toMatchObject({ code: 0, stdout: `stdout from ${second}\n` });
    expect(await ctl('logs', '-n', '5', service.dir)).toMatchObject({
      stdout: `stdout from ${service.servicePid}\nstdout from ${second}\n`,
    });
    expect(await ctl('logs', '--stderr', '-n', '1', service.dir)).toMatchObject({ stdout: `stderr from ${second}\n` });
  });

  it('-f follows across a restart, truncation and re-creation, and ends cleanly on SIGTERM', async () => {
    const service = await startSupervised([PRINT]);
    const stdoutPath = join(service.dir, '__stdout');
    await waitFor(() => lineCount(stdoutPath) >= 1 || undefined, { what: 'the first stdout line' });

    const follower = spawn(SUPERVISECTL_BIN, ['logs', '-f', '-n', '1', service.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    onTestFinished(() => {
      if (follower.exitCode === null && follower.signalCode === null) follower.kill('SIGKILL');
    });
    let seen = '';
    let errors = '';
    follower.stdout.on('data', (chunk) => (seen += chunk));
    follower.stderr.on('data', (chunk) => (errors += chunk));
    const exited = new Promise<[number | null, string | null]>((resolve) => follower.on('exit', (code, signal) => resolve([code, signal])));
    const seenFor = (text: string) => () => (seen.includes(text) ? true : undefined);

    await waitFor(seenFor(`stdout from ${service.servicePid}\n`), { what: 'the last line before following' });
    expect((await ctl('restart', '--wait', service.dir)).code).toBe(0);
    const restarted = readStatus(service.dir).pid;
    await waitFor(seenFor(`stdout from ${restarted}\n`), { what: `the line of the restarted service; seen ${JSON.stringify(seen)}` });

    truncateSync(stdoutPath, 0);
    appendFileSync(stdoutPath, 'after truncation\n');
    await waitFor(seenFor('after truncation\n'), { what: 'a line written after truncation' });

    rmSync(stdoutPath);
    appendFileSync(stdoutPath, 'in a re-created file\n');
    await waitFor(seenFor('in a re-created file\n'), { what: 'a line in the re-created file' });

    follower.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(errors).toBe('');
    expect(seen.indexOf(`stdout from ${service.servicePid}`)).toBeLessThan(seen.indexOf(`stdout from ${restarted}`));
  });

  it('prints nothing for a service that has written nothing yet', async () => {
    const service = await startSupervised([FOREVER]);
    expect(await ctl('logs', service.dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('prints nothing, and no error, when __stdout and __stderr are gone (removed to free space)', async () => {
    const service = await startSupervised([FOREVER]);
    for (const name of ['__stdout', '__stderr']) rmSync(join(service.dir, name));
    expect(await ctl('logs', service.dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await ctl('logs', '--stderr', service.dir)).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

/** Complete lines in a file, 0 while it does not exist. */
function lineCount(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}
