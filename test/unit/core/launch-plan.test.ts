// SPEC section 15: the settings and what the system says turn into the argv,
// environment, working directory and umask of one start.
import { describe, expect, it } from 'vitest';
import { createDefaultConfig } from '../../../src/config/config-defaults.js';
import type { ModuleConfig } from '../../../src/config/module-config.js';
import { envDirValue, isEnvDirName, planLaunch, type LaunchFacts } from '../../../src/core/launch-plan.js';

const TOOLS = { setpriv: '/usr/bin/setpriv', prlimit: '/usr/bin/prlimit', nice: '/usr/bin/nice' };
const WEB = { name: 'web', uid: 1001, gid: 1002, home: '/home/web' };

function facts(overrides: Partial<LaunchFacts> = {}): LaunchFacts {
  return {
    executable: '/usr/bin/app',
    argv: ['app', '-c', 'conf'],
    env: { PATH: '/usr/bin', HOME: '/root', USER: 'root', KEEP: 'me' },
    runningAsRoot: true,
    account: null,
    groupId: null,
    envDir: null,
    niceness: 0,
    nofile: { callerSoft: 1024, soft: 1024 },
    tools: TOOLS,
    ...overrides,
  };
}

function settings(overrides: Partial<ModuleConfig> = {}): ModuleConfig {
  return { ...createDefaultConfig(), ...overrides };
}

function planOf(config: Partial<ModuleConfig>, known: Partial<LaunchFacts> = {}) {
  const outcome = planLaunch(settings(config), facts(known));
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.plan;
}

describe('planLaunch', () => {
  it('defaults change nothing: the command itself, supervise environment, no cwd or umask', () => {
    expect(planOf({})).toEqual({
      file: '/usr/bin/app',
      args: ['-c', 'conf'],
      argv0: 'app',
      env: { PATH: '/usr/bin', HOME: '/root', USER: 'root', KEEP: 'me' },
      cwd: null,
      umask: null,
    });
  });

  it('user: setpriv with uid, primary gid and every supplementary group; HOME, USER and LOGNAME are the user s', () => {
    const plan = planOf({ user: 'web' }, { account: WEB });
    expect([plan.file, ...plan.args]).toEqual(['/usr/bin/setpriv', '--reuid=1001', '--regid=1002', '--init-groups', '--', '/usr/bin/app', '-c', 'conf']);
    expect(plan.argv0).toBe('/usr/bin/setpriv');
    expect(plan.env).toMatchObject({ HOME: '/home/web', USER: 'web', LOGNAME: 'web', KEEP: 'me' });
  });

  it('group with user: the primary group replaced, supplementary groups still the user s', () => {
    const plan = planOf({ user: 'web', group: 'adm' }, { account: WEB, groupId: 4 });
    expect(plan.args.slice(0, 3)).toEqual(['--reuid=1001', '--regid=4', '--init-groups']);
  });

  it('group alone: only the primary group changes', () => {
    const plan = planOf({ group: 'adm' }, { groupId: 4 });
    expect([plan.file, ...plan.args.slice(0, 3)]).toEqual(['/usr/bin/setpriv', '--regid=4', '--keep-groups', '--']);
  });

  it('limits, niceness and user: prlimit, then nice, then setpriv, each exec-ing the next', () => {
    const plan = planOf(
      { user: 'web', nice: 5, limitNofile: 4096, limitNproc: 'unlimited', limitCore: 0, limitAs: 1 << 30 },
      { account: WEB, niceness: 2 },
    );
    expect([plan.file, ...plan.args]).toEqual([
      '/usr/bin/prlimit',
      '--nofile=4096:4096',
      '--nproc=unlimited:unlimited',
      '--core=0:0',
      `--as=${1 << 30}:${1 << 30}`,
      '--',
      '/usr/bin/nice',
      '-n',
      '3',
      '--',
      '/usr/bin/setpriv',
      '--reuid=1001',
      '--regid=1002',
      '--init-groups',
      '--',
      '/usr/bin/app',
      '-c',
      'conf',
    ]);
  });

  it('nice equal to supervise s own needs no wrapper', () => {
    expect(planOf({ nice: 0 }).file).toBe('/usr/bin/app');
  });

  it('without limit_nofile, the service gets back the soft limit supervise was started with', () => {
    const plan = planOf({}, { nofile: { callerSoft: 1024, soft: 524288 } });
    expect([plan.file, ...plan.args]).toEqual(['/usr/bin/prlimit', '--nofile=1024:', '--', '/usr/bin/app', '-c', 'conf']);
    expect(planOf({}, { nofile: { callerSoft: null, soft: 524288 } }).file).toBe('/usr/bin/app');
    expect(planOf({ limitNofile: 64 }, { nofile: { callerSoft: 1024, soft: 524288 } }).args[0]).toBe('--nofile=64:64');
  });

  it('environment, then env_dir: an empty file removes a variable', () => {
    const plan = planOf(
      { environment: [['A', 'x y'], ['KEEP', 'changed']] },
      { envDir: [['A', 'from dir'], ['KEEP', null], ['NEW', '']] },
    );
    expect(plan.env).toEqual({ PATH: '/usr/bin', HOME: '/root', USER: 'root', A: 'from dir', NEW: '' });
  });

  it('directory and umask go to the spawn', () => {
    const plan = planOf({ directory: '/srv', umask: 0o027 });
    expect(plan.cwd).toBe('/srv');
    expect(plan.umask).toBe(0o027);
    expect(plan.file).toBe('/usr/bin/app');
  });

  const failures: { name: string; config: Partial<ModuleConfig>; known: Partial<LaunchFacts>; reason: string }[] = [
    { name: 'an unknown user', config: { user: 'nosuch' }, known: {}, reason: 'user nosuch: no such user' },
    { name: 'an unknown group', config: { group: 'nosuch' }, known: {}, reason: 'group nosuch: no such group' },
    { name: 'user while not root', config: { user: 'web' }, known: { account: WEB, runningAsRoot: false }, reason: 'user web needs supervise to run as root' },
    { name: 'group while not root', config: { group: 'adm' }, known: { groupId: 4, runningAsRoot: false }, reason: 'group adm needs supervise to run as root' },
    {
      name: 'a missing wrapper',
      config: { limitCore: 0 },
      known: { tools: { ...TOOLS, prlimit: null } },
      reason: 'prlimit (util-linux) is needed for limit_core and is not installed',
    },
  ];
  for (const { name, config, known, reason } of failures) {
    it(`fails the start: ${name}`, () => {
      expect(planLaunch(settings(config), facts(known))).toEqual({ ok: false, reason });
    });
  }
});

describe('envdir(8) values', () => {
  const cases: [string, string | null][] = [
    ['', null],
    ['\n', ''],
    ['value', 'value'],
    ['value \t \nsecond line\n', 'value'],
    ['  lead kept', '  lead kept'],
    ['a\0b\n', 'a\nb'],
  ];
  for (const [content, value] of cases) {
    it(JSON.stringify(content), () => expect(envDirValue(content)).toBe(value));
  }
  it('skips dot files and names with =', () => {
    expect(['A', '.hidden', 'B=C'].filter(isEnvDirName)).toEqual(['A']);
  });
});
