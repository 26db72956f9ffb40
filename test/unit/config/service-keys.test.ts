// SPEC section 15, the keys of how the service is run: each value read, each
// bad one a WARNING naming the key, the value and what was expected, the key
// keeping its default.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/config-defaults.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import { parseEnvironment } from '../../../src/config/service-keys.js';

const FILE = '/etc/svc/supervise.conf';

function parse(lines: string, module = 'web') {
  return parseConfig(`[global]\n${lines}\n`, module, FILE);
}

describe('service keys: good values', () => {
  it('reads every key', () => {
    const { config, warnings, loaded } = parse(
      [
        'user : www-data',
        'group : 33',
        'directory : /srv/web',
        `environment : A=1 B="x y" C='$HOME' D=`,
        'env_dir : /etc/web/env',
        'umask : 027',
        'nice : -5',
        'limit_nofile : 4096',
        'limit_nproc : unlimited',
        'limit_core : 0',
        'limit_as : 1073741824',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      user: 'www-data',
      group: '33',
      directory: '/srv/web',
      environment: [
        ['A', '1'],
        ['B', 'x y'],
        ['C', '$HOME'],
        ['D', ''],
      ],
      envDir: '/etc/web/env',
      umask: 0o027,
      nice: -5,
      limitNofile: 4096,
      limitNproc: 'unlimited',
      limitCore: 0,
      limitAs: 1073741824,
    });
    expect(loaded).toContain('umask = 0027 (from [global])');
    expect(loaded).toContain('environment = A="1" B="x y" C="$HOME" D="" (from [global])');
  });

  it('defaults change nothing: every key is unset', () => {
    const { config, loaded } = parse('max_tries : 1');
    for (const field of ['user', 'group', 'directory', 'envDir', 'umask', 'nice', 'limitNofile', 'limitNproc', 'limitCore', 'limitAs'] as const) {
      expect(config[field]).toBeNull();
    }
    expect(config.environment).toEqual([]);
    expect(loaded).toContain(`user = (supervise's) (default)`);
    expect(DEFAULT_CONFIG.environment).toEqual([]);
  });

  it('a module section after [global] overrides, 0 included, and adds to its environment', () => {
    const text = '[global]\nnice : 10\numask : 022\nenvironment : A=1 B=2\n[web]\nnice : 0\nenvironment : B=3 C=4\n';
    const { config, loaded } = parseConfig(text, 'web', FILE);
    expect(config.nice).toBe(0);
    expect(config.umask).toBe(0o022);
    expect(config.environment).toEqual([
      ['A', '1'],
      ['B', '3'],
      ['C', '4'],
    ]);
    expect(loaded).toContain('environment = A="1" B="3" C="4" (from [global] and [web])');
  });
});

describe('service keys: bad values warn and keep the default', () => {
  const cases: { line: string; warning: string }[] = [
    { line: 'umask : 089', warning: 'umask "089": expected an octal umask from 000 to 777; ignoring it' },
    { line: 'umask : 0x1f', warning: 'umask "0x1f": expected an octal umask from 000 to 777; ignoring it' },
    { line: 'nice : 20', warning: 'nice "20": expected a whole number from -20 to 19; ignoring it' },
    { line: 'nice : -21', warning: 'nice "-21": expected a whole number from -20 to 19; ignoring it' },
    { line: 'limit_nofile : -1', warning: 'limit_nofile "-1": expected a whole number from 0 or unlimited; ignoring it' },
    { line: 'limit_as : 1G', warning: 'limit_as "1G": expected a whole number from 0 or unlimited; ignoring it' },
    { line: 'user : bad user', warning: 'user "bad user": expected a user name or a numeric id; ignoring it' },
    { line: 'group : -1', warning: 'group "-1": expected a group name or a numeric id; ignoring it' },
    { line: 'environment : A=1 =2', warning: `environment "A=1 =2": expected KEY=VALUE pairs, quoted as -f is; "=2" is not one; ignoring it` },
    { line: 'environment : NOVALUE', warning: `environment "NOVALUE": expected KEY=VALUE pairs, quoted as -f is; "NOVALUE" is not one; ignoring it` },
    { line: `environment : A='x`, warning: `environment "A='x": expected KEY=VALUE pairs, quoted as -f is (unbalanced single quote); ignoring it` },
  ];
  for (const { line, warning } of cases) {
    it(line, () => {
      const { config, warnings } = parse(line);
      expect(warnings).toEqual([`unable to parse ${FILE} line 2: ${warning}`]);
      expect(config).toEqual({ ...DEFAULT_CONFIG });
    });
  }
});

describe('parseEnvironment', () => {
  it('splits and quotes as -f does: nothing expands', () => {
    expect(parseEnvironment(`X="a \\"b\\" c" Y=a\\ b Z='*'`)).toEqual({
      value: [
        ['X', 'a "b" c'],
        ['Y', 'a b'],
        ['Z', '*'],
      ],
    });
  });
});

describe('service keys: checks against the system at load', () => {
  const system = { userExists: (key: string) => key === 'web', groupExists: (key: string) => key === 'adm', nofileHard: 4096 as const };

  it('an unknown user or group warns, and is kept so each start looks again (never root instead)', () => {
    const { config, warnings } = parseConfig('[global]\nuser : nosuch\ngroup : nogroup\n', 'web', FILE, system);
    expect(warnings).toEqual([
      `${FILE}: user "nosuch": no such user, expected an existing user name or uid; each start looks it up again and fails while it is missing`,
      `${FILE}: group "nogroup": no such group, expected an existing group name or gid; each start looks it up again and fails while it is missing`,
    ]);
    expect(config.user).toBe('nosuch');
  });

  it('limit_nofile above supervise s hard limit warns and keeps the default', () => {
    const { config, warnings, loaded } = parseConfig('[global]\nlimit_nofile : 4097\nuser : web\n', 'web', FILE, system);
    expect(warnings).toEqual([`${FILE}: limit_nofile "4097": above supervise's hard limit of open files, expected at most 4096; ignoring it`]);
    expect(config.limitNofile).toBeNull();
    expect(loaded).toContain(`limit_nofile = (supervise's) (default)`);
    expect(parseConfig('[global]\nlimit_nofile : unlimited\n', 'web', FILE, system).config.limitNofile).toBeNull();
    expect(parseConfig('[global]\nlimit_nofile : 4096\n', 'web', FILE, system).config.limitNofile).toBe(4096);
  });
});

describe('environment through the config file', () => {
  it('reaches the splitter unchanged: backslashes, ; and # inside a word, quotes', () => {
    const { config, warnings } = parse(`environment : A=a\\ b B='x;y' C=p#q D="say \\"hi\\"" # a comment`);
    expect(warnings).toEqual([]);
    expect(config.environment).toEqual([
      ['A', 'a b'],
      ['B', 'x;y'],
      ['C', 'p#q'],
      ['D', 'say "hi"'],
    ]);
  });
});
