// scripts/service-template.sh, copied and edited as a team would, driven
// through every action against the real supervise and supervisectl.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countLogLines,
  FIXTURES,
  isAlive,
  killDaemonAfterTest,
  readStatus,
  readStatusJson,
  REPO_ROOT,
  runCommand,
  waitForServicePid,
  waitForSignalHandled,
  writeControl,
} from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { createUnprivilegedUser } from '../../helpers/unprivileged-user.js';
import { waitFor } from '../../helpers/wait-for.js';

const TEMPLATE = join(REPO_ROOT, 'scripts/service-template.sh');

interface Module {
  root: string;
  script: string;
  statusDir: string;
}

/** A module root as a team lays it out: bin/demo-server, conf/, and the edited template. */
function makeModule(server = 'print.sh'): Module {
  const root = makeTempDir('supervise-module-');
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'conf'));
  copyFileSync(join(FIXTURES, server), join(root, 'bin/demo-server'));
  writeFileSync(join(root, 'conf/demo.conf'), '');
  const script = join(root, 'demo_control');
  const edited = readFileSync(TEMPLATE, 'utf8')
    .replace(/^MODULE=.*$/m, 'MODULE=demo')
    .replace(/^COMMAND=.*$/m, 'COMMAND="./bin/demo-server conf/demo.conf"');
  writeFileSync(script, edited, { mode: 0o755 });
  const statusDir = join(root, 'status/demo');
  killDaemonAfterTest(statusDir);
  return { root, script, statusDir };
}

const TOOLS_ENV = {
  SUPERVISE: join(REPO_ROOT, 'bin/supervise'),
  SUPERVISECTL: join(REPO_ROOT, 'bin/supervisectl'),
};

/** Runs the script (or a link to it) from elsewhere: it must find its own root. */
function run(module: Module, args: string[], env: NodeJS.ProcessEnv = TOOLS_ENV, script = module.script) {
  return runCommand(script, args, { cwd: makeTempDir(), env: { ...process.env, ...env }, timeoutMs: 30_000 });
}

function lockIsFree(statusDir: string) {
  return runCommand('flock', ['-n', join(statusDir, 'lock'), 'true']).then((result) => result.code === 0);
}

describe('service-template.sh', () => {
  it('runs a module through start, status, alarm, reload, restart and stop', async () => {
    const module = makeModule();

    const start = await run(module, ['start']);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const first = readStatusJson(module.statusDir);
    expect(start.stdout).toMatch(new RegExp(`^status/demo: up \\(pid ${first.pid}\\) \\d+ seconds, normally up, alarms on\\n$`));
    // -f split the command without a shell: the service is the program itself.
    expect(first.command).toEqual(['./bin/demo-server', 'conf/demo.conf']);
    expect(readFileSync(`/proc/${first.pid}/status`, 'utf8')).toMatch(new RegExp(`^PPid:\\s+${first.supervisePid}$`, 'm'));

    const status = await run(module, ['status']);
    expect(status).toMatchObject({ code: 0, stdout: expect.stringMatching(/^status\/demo: up \(pid \d+\)/) });

    // A second start leaves the running supervise and service alone.
    expect((await run(module, ['start'])).code).toBe(0);
    expect(readStatusJson(module.statusDir)).toMatchObject({ supervisePid: first.supervisePid, pid: first.pid });

    expect((await run(module, ['alarm', 'off'])).code).toBe(0);
    await waitFor(() => !readStatus(module.statusDir).alarmsOn, { what: 'alarms off' });
    expect((await run(module, ['status'])).stdout).toContain('alarms off');
    expect((await run(module, ['alarm', 'on'])).code).toBe(0);
    await waitFor(() => readStatus(module.statusDir).alarmsOn, { what: 'alarms on' });

    expect((await run(module, ['reload'])).code).toBe(0);
    await waitFor(() => countLogLines(module.statusDir, /control command r \(/) === 1, { what: 'the reload in supervise.log' });

    // restart is stop then start: a new supervise that reads COMMAND afresh.
    const restart = await run(module, ['restart']);
    expect(restart.code).toBe(0);
    const second = readStatusJson(module.statusDir);
    expect(restart.stdout).toContain('status/demo: stopped\n');
    expect(restart.stdout).toContain(`status/demo: up (pid ${second.pid})`);
    expect(second.supervisePid).not.toBe(first.supervisePid);
    expect(second.pid).not.toBe(first.pid);
    expect(isAlive(first.pid)).toBe(false);
    expect(isAlive(first.supervisePid)).toBe(false);

    const stop = await run(module, ['stop']);
    expect(stop).toMatchObject({ code: 0, stdout: 'status/demo: stopped\n', stderr: '' });
    expect(readStatus(module.statusDir).pid).toBe(0);
    expect(isAlive(second.pid)).toBe(false);
    expect(isAlive(second.supervisePid)).toBe(false);
    expect(await lockIsFree(module.statusDir)).toBe(true);

    expect(await run(module, ['status'])).toMatchObject({ code: 111, stdout: 'status/demo: supervise not running\n' });
    // Stopping a stopped module succeeds.
    expect(await run(module, ['stop'])).toMatchObject({ code: 0, stdout: 'status/demo: supervise not running\n' });
  });

  it('start brings back a service that was stopped by hand while supervise stayed', async () => {
    const module = makeModule();
    expect((await run(module, ['start'])).code).toBe(0);
    const { supervisePid, pid } = readStatusJson(module.statusDir);
    writeControl(module.statusDir, 'd');
    await waitFor(() => readStatus(module.statusDir).pid === 0, { what: 'the service down' });
    const start = await run(module, ['start']);
    expect(start.code).toBe(0);
    const now = readStatusJson(module.statusDir);
    expect(now.supervisePid).toBe(supervisePid);
    expect(now.pid).not.toBe(0);
    expect(now.pid).not.toBe(pid);
    expect(now.want).toBe('up');
  });

  it('finds supervise and supervisectl in the module bin/ when the environment names none', async () => {
    const module = makeModule();
    symlinkSync(TOOLS_ENV.SUPERVISE, join(module.root, 'bin/supervise'));
    symlinkSync(TOOLS_ENV.SUPERVISECTL, join(module.root, 'bin/supervisectl'));
    const env = { SUPERVISE: '', SUPERVISECTL: '' };
    const start = await run(module, ['start'], env);
    expect(start).toMatchObject({ code: 0, stderr: '' });
    await waitForServicePid(module.statusDir);
    expect((await run(module, ['stop'], env)).code).toBe(0);
  });

  // Issue 16, defect 13: through /etc/init.d/demo -> .../demo_control the
  // script took the link's directory for the module root, said "supervise
  // not running" while the service ran, and start failed with 112.
  it('called through a symlink in another directory, works on the module the link points to', async () => {
    const module = makeModule();
    const initDir = makeTempDir('supervise-init.d-');
    const link = join(initDir, 'demo');
    symlinkSync(module.script, link);
    // A relative link to that link: the whole chain is followed.
    const chained = join(initDir, 'rc.demo');
    symlinkSync('demo', chained);

    const start = await run(module, ['start'], TOOLS_ENV, link);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const { pid, supervisePid } = readStatusJson(module.statusDir);
    expect(start.stdout).toMatch(new RegExp(`^status/demo: up \\(pid ${pid}\\) `));

    for (const script of [link, chained]) {
      const status = await run(module, ['status'], TOOLS_ENV, script);
      expect(status).toMatchObject({ code: 0, stderr: '' });
      expect(status.stdout).toMatch(new RegExp(`^status/demo: up \\(pid ${pid}\\) \\d+ seconds, normally up, alarms on\\n$`));
    }
    // Nothing was set up next to the link.
    expect(readdirSync(initDir).sort()).toEqual(['demo', 'rc.demo']);

    const stop = await run(module, ['stop'], TOOLS_ENV, chained);
    expect(stop).toMatchObject({ code: 0, stdout: 'status/demo: stopped\n', stderr: '' });
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(supervisePid)).toBe(false);
    expect(await lockIsFree(module.statusDir)).toBe(true);
  });

  // Issue 16: run by another user on root's module, status said "supervise
  // not running" and stop said so and exited 0, while the service ran on.
  it('run by a user who may not read the status directory, says permission denied and leaves the service alone', async () => {
    const module = makeModule();
    expect((await run(module, ['start'])).code).toBe(0);
    const { pid, supervisePid } = readStatusJson(module.statusDir);
    const commandsBefore = countLogLines(module.statusDir, /control command/);
    chmodSync(module.root, 0o755);
    const user = await createUnprivilegedUser();
    const denied = { code: 1, stdout: '', stderr: 'supervisectl: unable to stat status/demo: EACCES: permission denied\n' };
    for (const action of ['status', 'stop', 'start', 'restart', 'reload']) {
      expect(await user.run(module.script, [action], { env: { ...process.env, ...TOOLS_ENV } })).toMatchObject(denied);
    }
    expect(readStatusJson(module.statusDir)).toMatchObject({ pid, supervisePid, want: 'up' });
    expect(countLogLines(module.statusDir, /control command/)).toBe(commandsBefore);
  });

  it('stop fails with the stuck state when the service ignores TERM', async () => {
    const module = makeModule('ignore-term.sh');
    expect((await run(module, ['start'])).code).toBe(0);
    const { pid } = readStatusJson(module.statusDir);
    await waitForSignalHandled(pid, 'SIGTERM');
    const stop = await run(module, ['stop'], { ...TOOLS_ENV, WAIT_SECONDS: '1' });
    expect(stop.code).toBe(1);
    expect(stop.stderr).toBe(`status/demo: still up (pid ${pid}) after 1 s, wanted down\n`);
    expect(isAlive(pid)).toBe(true);
  });

  it('exits 100 with the usage for an unknown action or alarm state', async () => {
    const module = makeModule();
    for (const args of [[], ['bounce'], ['alarm'], ['alarm', 'maybe']]) {
      const result = await run(module, args);
      expect(result.code).toBe(100);
      expect(result.stderr).toMatch(/^usage: .*demo_control start\|stop\|restart\|status\|reload\|alarm on\|alarm off\n$/);
    }
  });
});
