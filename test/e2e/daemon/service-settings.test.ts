// SPEC section 15, end to end through the daemon: user, group, directory,
// environment, env_dir, umask, nice and limit_* as the service's /proc shows
// them, with the pid in `status` still the service's own (the exec wrappers
// exec into it), and defaults that wrap nothing.
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALLER_NOFILE } from '../../../src/io/process-limits.js';
import { createTestGroup, createUnprivilegedUser } from '../../helpers/unprivileged-user.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { killDaemonAfterTest, readStatus, runCommand, startSupervised, SUPERVISE_BIN, writeControl } from '../../helpers/supervise-process.js';

/** Starts `command` under supervise with `settings` as [global] of its config. */
async function startWith(settings: string, command: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  const root = makeTempDir();
  const conf = join(root, 'supervise.conf');
  writeFileSync(conf, `[global]\n${settings}\n`);
  return startSupervised(command, { dir: join(root, 'status', 'svc'), args: ['-F', conf], cwd: root, env: options.env });
}

function procStatus(pid: number, field: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith(`${field}:`));
  return (line ?? '').slice(field.length + 1).trim();
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

/** "soft hard" of one row of /proc/PID/limits. */
function limitOf(pid: number, row: string): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith(row));
  const [soft, hard] = (line ?? '').slice(row.length).trim().split(/\s+/);
  return `${soft} ${hard}`;
}

/** The service's pid is supervise's own child and runs the command itself, not a wrapper. */
function expectOwnPid(pid: number, daemonPid: number, executable: string): void {
  expect(procStatus(pid, 'PPid')).toBe(String(daemonPid));
  expect(readlinkSync(`/proc/${pid}/exe`)).toBe(executable);
}

describe('section 15: how the service is run', () => {
  it('user: uid, primary gid and the supplementary group (id inside the service), HOME, USER and LOGNAME of the user', async () => {
    const group = await createTestGroup();
    const user = await createUnprivilegedUser({ groups: [group.name] });
    const service = await startWith(`user : ${user.name}`, ['sh', '-c', 'id; exec sleep 1000']);
    const id = await waitFor(() => readFileSync(join(service.dir, '__stdout'), 'utf8').trim() || undefined, { what: 'id in __stdout' });
    expect(id).toBe(`uid=${user.uid}(${user.name}) gid=${user.gid}(${user.name}) groups=${user.gid}(${user.name}),${group.gid}(${group.name})`);
    const pid = await waitFor(() => (readlinkSync(`/proc/${service.servicePid}/exe`) === '/usr/bin/sleep' ? service.servicePid : undefined), {
      what: 'the service to exec sleep',
    });
    expect(readStatus(service.dir).pid).toBe(pid);
    expectOwnPid(pid, service.daemonPid, '/usr/bin/sleep');
    expect(procStatus(pid, 'Uid').split(/\s+/)).toEqual(Array(4).fill(String(user.uid)));
    const env = environOf(pid);
    expect(env).toContain(`HOME=/home/${user.name}`);
    expect(env).toContain(`USER=${user.name}`);
    expect(env).toContain(`LOGNAME=${user.name}`);
  });

  it('group: the primary group instead of the user one, the supplementary groups still the user ones', async () => {
    const group = await createTestGroup();
    const user = await createUnprivilegedUser();
    const service = await startWith(`user : ${user.uid}\ngroup : ${group.name}`, ['sleep', '1000']);
    expectOwnPid(service.servicePid, service.daemonPid, '/usr/bin/sleep');
    expect(procStatus(service.servicePid, 'Gid').split(/\s+/)).toEqual(Array(4).fill(String(group.gid)));
    expect(procStatus(service.servicePid, 'Groups')).toBe(String(user.gid));
  });

  it('directory, environment (with quotes), umask and nice', async () => {
    const work = makeTempDir();
    const service = await startWith(
      [`directory : ${work}`, `environment : GREETING="hello world" QUOTED='a "b" $c' EMPTY=`, 'umask : 027', 'nice : 7'].join('\n'),
      ['sleep', '1000'],
    );
    const pid = service.servicePid;
    expectOwnPid(pid, service.daemonPid, '/usr/bin/sleep');
    expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(work);
    const env = environOf(pid);
    expect(env).toContain('GREETING=hello world');
    expect(env).toContain('QUOTED=a "b" $c');
    expect(env).toContain('EMPTY=');
    expect(procStatus(pid, 'Umask')).toBe('0027');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 19 of proc(5), counted after the ")" that ends the command name.
    expect(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]).toBe('7');
    // supervise's own umask is its own again after the spawn.
    expect(procStatus(service.daemonPid, 'Umask')).toBe(procStatus(process.pid, 'Umask'));
  });

  it('env_dir: each file sets its first line, trailing blanks cut; an empty file removes the variable', async () => {
    const envDir = join(makeTempDir(), 'env');
    mkdirSync(envDir);
    writeFileSync(join(envDir, 'FROM_DIR'), 'first line \t\nsecond line\n');
    writeFileSync(join(envDir, 'REMOVE_ME'), '');
    writeFileSync(join(envDir, '.ignored'), 'x');
    const service = await startWith(`env_dir : ${envDir}`, ['sleep', '1000'], { env: { ...process.env, REMOVE_ME: 'inherited' } });
    const env = environOf(service.servicePid);
    expect(env).toContain('FROM_DIR=first line');
    expect(env.filter((entry) => entry.startsWith('REMOVE_ME='))).toEqual([]);
    expect(env.filter((entry) => entry.startsWith('.ignored='))).toEqual([]);
    expectOwnPid(service.servicePid, service.daemonPid, '/usr/bin/sleep');
  });

  it('every limit_*, soft and hard, read back from /proc/PID/limits', async () => {
    const service = await startWith(['limit_nofile : 512', 'limit_nproc : 300', 'limit_core : unlimited', 'limit_as : 4294967296'].join('\n'), [
      'sleep',
      '1000',
    ]);
    const pid = service.servicePid;
    expectOwnPid(pid, service.daemonPid, '/usr/bin/sleep');
    expect(limitOf(pid, 'Max open files')).toBe('512 512');
    expect(limitOf(pid, 'Max processes')).toBe('300 300');
    expect(limitOf(pid, 'Max core file size')).toBe('unlimited unlimited');
    expect(limitOf(pid, 'Max address space')).toBe('4294967296 4294967296');
  });
});

describe('section 15: defaults change nothing', () => {
  /** Runs supervise from sh with its soft limit of open files set first, as a caller's `ulimit -n` does. */
  async function startWithSoftNofile(soft: string) {
    const root = makeTempDir();
    const dir = join(root, 'status', 'svc');
    killDaemonAfterTest(dir);
    const result = await runCommand('sh', ['-c', `ulimit -Sn ${soft} && exec "$0" "$@"`, SUPERVISE_BIN, '-F', join(root, 'none.conf'), '-u', dir, 'sleep', '1000'], {
      cwd: root,
    });
    expect(result.stderr).toBe('');
    return { dir, pid: readStatus(dir).pid };
  }

  it('without the keys nothing wraps the command: its own argv[0], and the soft limit of open files supervise was started with', async () => {
    const { pid } = await startWithSoftNofile('$(ulimit -Hn)');
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe('/usr/bin/sleep');
    // A wrapper would exec the resolved path; the command's own argv[0] means nothing came between.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('sleep\x001000\x00');
    const hard = limitOf(pid, 'Max open files').split(' ')[1];
    expect(limitOf(pid, 'Max open files')).toBe(`${hard} ${hard}`);
  });

  it('a caller soft limit of open files below the hard one reaches the service (Node raises its own)', async () => {
    const { pid } = await startWithSoftNofile('100');
    const hard = limitOf(process.pid, 'Max open files').split(' ')[1];
    expect(limitOf(pid, 'Max open files')).toBe(`100 ${hard}`);
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe('/usr/bin/sleep');
    expect(environOf(pid).filter((entry) => entry.startsWith(`${CALLER_NOFILE}=`))).toEqual([]);
  });
});

describe('section 15: bad values', () => {
  it('warn naming the key, the value and what was expected, and keep the default', async () => {
    const hard = limitOf(process.pid, 'Max open files').split(' ')[1];
    const service = await startWith(['umask : 0o22', 'nice : 20', `limit_nofile : ${Number(hard) + 1}`, 'limit_core : -1'].join('\n'), ['sleep', '1000']);
    const log = await waitForLog(service.dir, 'limit_core', 'supervise.log.wf');
    expect(log).toContain('umask "0o22": expected an octal umask from 000 to 777; ignoring it');
    expect(log).toContain('nice "20": expected a whole number from -20 to 19; ignoring it');
    expect(log).toContain(`limit_nofile "${Number(hard) + 1}": above supervise's hard limit of open files, expected at most ${hard}; ignoring it`);
    expect(log).toContain('limit_core "-1": expected a whole number from 0 or unlimited; ignoring it');
    const pid = service.servicePid;
    expect(procStatus(pid, 'Umask')).toBe(procStatus(service.daemonPid, 'Umask'));
    expect(limitOf(pid, 'Max open files').split(' ')[1]).toBe(hard);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('sleep\x001000\x00');
  });

  it('an unknown user: a WARNING at load, and the start fails rather than run as root, paced while the user is missing', async () => {
    const root = makeTempDir();
    const conf = join(root, 'supervise.conf');
    writeFileSync(conf, '[global]\nuser : svt-no-such-user\n');
    const dir = join(root, 'status', 'svc');
    killDaemonAfterTest(dir);
    const result = await runCommand(SUPERVISE_BIN, ['-F', conf, '-u', dir, 'sleep', '1000'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'supervise: WARNING: unable to start service svc: user svt-no-such-user: no such user; supervise keeps trying once a second\n',
    );
    expect(readStatus(dir).pid).toBe(0);
    const log = await waitForLog(dir, 'unable to start service svc', 'supervise.log.wf');
    expect(log).toContain(`user "svt-no-such-user": no such user, expected an existing user name or uid; each start looks it up again and fails while it is missing`);
  });

  it('user while supervise is not root, from the first start: the caller is warned, exits 0, and supervise keeps pacing', async () => {
    const user = await createUnprivilegedUser();
    const root = makeTempDir();
    const conf = join(root, 'supervise.conf');
    writeFileSync(conf, '[global]\nuser : root\n');
    await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, root]);
    const dir = join(root, 'status', 'svc');
    killDaemonAfterTest(dir);
    const failure = 'unable to start service svc: user root needs supervise to run as root';
    const result = await user.run(SUPERVISE_BIN, ['-F', conf, '-u', dir, 'sleep', '1000'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`supervise: WARNING: ${failure}; supervise keeps trying once a second\n`);
    await waitFor(
      () => readFileSync(join(dir, 'supervise.log.wf'), 'utf8').split(failure).length - 1 >= 2 || undefined,
      { what: `a second "${failure}" warning` },
    );
    expect(readStatus(dir).pid).toBe(0);
    const daemon = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { supervisePid: number };
    expect(procStatus(daemon.supervisePid, 'State')).not.toMatch(/^Z/);
  });

  it('user while supervise is not root: each start fails with a WARNING, and supervise keeps running and pacing', async () => {
    const user = await createUnprivilegedUser();
    const root = makeTempDir();
    const conf = join(root, 'supervise.conf');
    writeFileSync(conf, '[global]\n');
    await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, root]);
    const dir = join(root, 'status', 'svc');
    killDaemonAfterTest(dir);
    const result = await user.run(SUPERVISE_BIN, ['-F', conf, '-u', dir, 'sleep', '1000'], { cwd: root });
    expect(result.stderr).toBe('');
    const first = readStatus(dir).pid;
    // The next start, after `r`, asks for a user: it fails, and so does each one after it, a second apart.
    writeFileSync(conf, '[global]\nuser : root\n');
    writeControl(dir, 'rk');
    const failure = 'unable to start service svc: user root needs supervise to run as root';
    const log = await waitFor(
      () => {
        const text = readFileSync(join(dir, 'supervise.log.wf'), 'utf8');
        return text.split(failure).length - 1 >= 3 ? text : undefined;
      },
      { what: `three "${failure}" warnings` },
    );
    const times = log
      .split('\n')
      .filter((line) => line.includes(failure))
      .map((line) => Date.parse(line.replace(/^\[\w+\] (\S+) (\S+) .*$/, '$1T$2')));
    // Log times are whole seconds: paced starts never share one, nor skip more than one.
    for (let index = 1; index < times.length; index += 1) expect(times[index] - times[index - 1]).toBeGreaterThanOrEqual(1000);
    expect(readStatus(dir).pid).toBe(0);
    expect(first).not.toBe(0);
    const daemon = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { supervisePid: number };
    expect(procStatus(daemon.supervisePid, 'State')).not.toMatch(/^Z/);
  });
});
