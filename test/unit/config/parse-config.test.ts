import { readFileSync } from 'node:fs';
import { decode } from 'ini';
import { describe, expect, it } from 'vitest';
import { createDefaultConfig, DEFAULT_CONFIG } from '../../../src/config/config-defaults.js';
import { parseConfig, type ModuleConfig } from '../../../src/config/parse-config.js';

const FILE = '/etc/svc/supervise.conf';

// SPEC section 7, verbatim.
const SPEC_SAMPLE = `[someModuleThatNoNeedNewFunction]
[global]
alarm_interval : 60
alarm_mail : ops@example.com dev@example.com
alarm_gsm : 13800000000
max_tries : 10
max_tries_if_coredumped : 5

[redis]
alarm_interval : 120
max_tries : 3
`;

function configOf(overrides: Partial<ModuleConfig>): ModuleConfig {
  return { ...createDefaultConfig(), ...overrides };
}

const GLOBAL_OF_SAMPLE = configOf({
  alarmInterval: 60,
  maxTries: 10,
  maxTriesIfCoredumped: 5,
  alarmMail: ['ops@example.com', 'dev@example.com'],
  alarmGsm: ['13800000000'],
});

describe('parseConfig: what each module gets', () => {
  const cases: { name: string; text: string; module: string; expected: ModuleConfig }[] = [
    {
      name: 'SPEC sample, a module after [global]: numbers overridden, lists kept',
      text: SPEC_SAMPLE,
      module: 'redis',
      expected: { ...GLOBAL_OF_SAMPLE, alarmInterval: 120, maxTries: 3 },
    },
    {
      name: 'SPEC sample, a module before [global]: only its own (empty) section',
      text: SPEC_SAMPLE,
      module: 'someModuleThatNoNeedNewFunction',
      expected: createDefaultConfig(),
    },
    {
      name: 'SPEC sample, a module with no section: [global]',
      text: SPEC_SAMPLE,
      module: 'nginx',
      expected: GLOBAL_OF_SAMPLE,
    },
    {
      name: 'a section after [global] appends to alarm_mail and alarm_gsm',
      text: '[global]\nalarm_mail : a@x.com\nalarm_gsm : 1 2\n[web]\nalarm_mail : b@x.com\nalarm_gsm : 3\n',
      module: 'web',
      expected: configOf({ alarmMail: ['a@x.com', 'b@x.com'], alarmGsm: ['1', '2', '3'] }),
    },
    {
      name: 'a section before [global] does not see [global] lists or numbers',
      text: '[web]\nmax_tries : 2\nalarm_mail : own@x.com\n[global]\nalarm_interval : 60\nalarm_mail : a@x.com\n',
      module: 'web',
      expected: configOf({ maxTries: 2, alarmMail: ['own@x.com'] }),
    },
    {
      name: 'a section without [global] anywhere uses its own values',
      text: '[web]\nalarm_interval : 90\nmax_tries_if_coredumped : 1\n',
      module: 'web',
      expected: configOf({ alarmInterval: 90, maxTriesIfCoredumped: 1 }),
    },
    {
      name: 'commas separate addresses and numbers too; duplicates go',
      text: '[global]\nalarm_mail : a@x.com, b@x.com,c@x.com  a@x.com\nalarm_gsm : 1,2\n[web]\nalarm_gsm : 2 3\n',
      module: 'web',
      expected: configOf({ alarmMail: ['a@x.com', 'b@x.com', 'c@x.com'], alarmGsm: ['1', '2', '3'] }),
    },
    {
      name: 'dotted and dashed module names stay flat (ini alone would nest [meta.txn-recover])',
      text: '[global]\nmax_tries : 1\n[meta]\nmax_tries : 5\n[meta.txn-recover]\nmax_tries : 7\n',
      module: 'meta.txn-recover',
      expected: configOf({ maxTries: 7 }),
    },
    {
      name: 'the parent of a dotted name is its own module',
      text: '[global]\nmax_tries : 1\n[meta]\nmax_tries : 5\n[meta.txn-recover]\nmax_tries : 7\n',
      module: 'meta',
      expected: configOf({ maxTries: 5 }),
    },
    {
      name: 'key = value is accepted beside key : value, spaces optional',
      text: '[global]\nalarm_interval=60\nmax_tries= 4\nmax_tries_if_coredumped: 2\n',
      module: 'any',
      expected: configOf({ alarmInterval: 60, maxTries: 4, maxTriesIfCoredumped: 2 }),
    },
    {
      name: 'CRLF line ends and a UTF-8 BOM',
      text: '\uFEFF[global]\r\nalarm_interval : 60\r\nalarm_mail : a@x.com\r\n\r\n[web]\r\nmax_tries : 3\r\n',
      module: 'web',
      expected: configOf({ alarmInterval: 60, maxTries: 3, alarmMail: ['a@x.com'] }),
    },
    {
      name: 'alarm_interval 1-59 counts as 60, 60 and above stay',
      text: '[global]\nalarm_interval : 1\n[slow]\nalarm_interval : 61\n',
      module: 'any',
      expected: configOf({ alarmInterval: 60 }),
    },
    {
      name: 'alarm_interval 61 stays 61',
      text: '[global]\nalarm_interval : 1\n[slow]\nalarm_interval : 61\n',
      module: 'slow',
      expected: configOf({ alarmInterval: 61 }),
    },
    {
      name: 'a module value of 30 over [global] 0 counts as 60',
      text: '[global]\nalarm_interval : 0\n[web]\nalarm_interval : 30\n',
      module: 'web',
      expected: configOf({ alarmInterval: 60 }),
    },
    {
      name: 'more than 10 gsm numbers in all: the first 10',
      text: '[global]\nalarm_gsm : 1 2 3 4 5 6 7 8\n[web]\nalarm_gsm : 9 10 11 12\n',
      module: 'web',
      expected: configOf({ alarmGsm: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] }),
    },
    {
      name: 'the beyond keys, and their override after [global]',
      text: '[global]\nmail_transport : smtp://mail.example.com:25\nmail_from : ops@example.com\ngsm_command : /usr/local/bin/sms\nstop_timeout : 5\n[web]\nmail_transport : smtps://u:p@mx.example.com:465\nstop_timeout : 9\n',
      module: 'web',
      expected: configOf({
        mailTransport: 'smtps://u:p@mx.example.com:465',
        mailFrom: 'ops@example.com',
        gsmCommand: '/usr/local/bin/sms',
        stopTimeout: 9,
      }),
    },
    {
      name: 'empty values (as in the original sample) leave the key unset',
      text: '[global]\nalarm_interval : 60\nmail_from :\n[web]\nalarm_interval :\nalarm_mail :\n',
      module: 'web',
      expected: configOf({ alarmInterval: 60 }),
    },
    {
      name: 'trailing comments after whitespace go; # and ; inside a value stay',
      text: '[global]\nalarm_mail : a@x.com # the ops list\nalarm_gsm : 1#2;3 ;\nmax_tries : 3 ; three\nmail_transport : smtp://u:p;w@mx.example.com ; relay\ngsm_command : "/opt/sms #2/send" # quoted\n',
      module: 'any',
      expected: configOf({
        alarmMail: ['a@x.com'],
        alarmGsm: ['1#2;3'],
        maxTries: 3,
        mailTransport: 'smtp://u:p;w@mx.example.com',
        gsmCommand: '/opt/sms #2/send',
      }),
    },
    {
      name: 'backslashes reach the value unchanged',
      text: '[global]\ngsm_command : C:\\sms\\send;1\n',
      module: 'any',
      expected: configOf({ gsmCommand: 'C:\\sms\\send;1' }),
    },
    {
      name: 'values ini would read as JSON stay text: true, quoted numbers',
      text: "[global]\nmail_from : true\nmax_tries : '4'\n",
      module: 'any',
      expected: configOf({ mailFrom: 'true', maxTries: 4 }),
    },
    {
      name: 'a repeated section merges into the first, later values win, first place counts',
      text: '[web]\nmax_tries : 2\n[global]\nalarm_interval : 60\n[web]\nmax_tries : 4\nalarm_mail : w@x.com\n',
      module: 'web',
      expected: configOf({ maxTries: 4, alarmMail: ['w@x.com'] }),
    },
    {
      name: 'a repeated [global] merges too',
      text: '[global]\nalarm_interval : 60\nmax_tries : 1\n[global]\nmax_tries : 2\n',
      module: 'any',
      expected: configOf({ alarmInterval: 60, maxTries: 2 }),
    },
    {
      name: 'a repeated key: the later value wins (lists are replaced, not appended)',
      text: '[global]\nalarm_mail : a@x.com\nalarm_mail : b@x.com\n',
      module: 'any',
      expected: configOf({ alarmMail: ['b@x.com'] }),
    },
    {
      name: 'keys under a malformed header are not added to the section above',
      text: '[global]\nmax_tries : 1\n[ web ]\nmax_tries : 9\n  [web2]\nmax_tries_if_coredumped : 9\n',
      module: 'any',
      expected: configOf({ maxTries: 1 }),
    },
    {
      name: 'section names are case-sensitive, as in the original',
      text: '[Global]\nmax_tries : 1\n',
      module: 'any',
      expected: createDefaultConfig(),
    },
  ];

  it.each(cases)('$name', ({ text, module, expected }) => {
    expect(parseConfig(text, module, FILE).config).toEqual(expected);
  });
});

describe('parseConfig: warnings', () => {
  function warningsOf(text: string, module = 'web'): string[] {
    return parseConfig(text, module, FILE).warnings;
  }

  it('gives none for the SPEC sample', () => {
    for (const module of ['redis', 'someModuleThatNoNeedNewFunction', 'nginx']) {
      expect(warningsOf(SPEC_SAMPLE, module)).toEqual([]);
    }
  });

  it('names file and line of a line it cannot parse, and keeps going', () => {
    const text = '# comment\n[global]\nalarm_interval : 60\n\n; another\nthis is not a line\nmax_tries : 2\n';
    const result = parseConfig(text, 'web', FILE);
    expect(result.warnings).toEqual([`unable to parse ${FILE} line 6: "this is not a line"`]);
    expect(result.config.maxTries).toBe(2);
  });

  it('counts lines the same with CRLF, and the BOM does not spoil line 1', () => {
    expect(warningsOf('\uFEFF[global]\r\nalarm_interval : 60\r\nbad\r\n')).toEqual([
      `unable to parse ${FILE} line 3: "bad"`,
    ]);
  });

  it.each([
    ['abc', 'max_tries "abc"'],
    ['-1', 'max_tries "-1"'],
    ['2.5', 'max_tries "2.5"'],
    ['60 s', 'max_tries "60 s"'],
    ['99999999999999999999', 'max_tries "99999999999999999999"'],
    ['0x10', 'max_tries "0x10"'],
  ])('warns about max_tries %s with file, line, key and value, and keeps the default', (value, named) => {
    const result = parseConfig(`[global]\nalarm_interval : 60\nmax_tries : ${value}\n`, 'web', FILE);
    expect(result.warnings).toEqual([
      `unable to parse ${FILE} line 3: ${named} is not a whole number from 0 to 2147483; ignoring it`,
    ]);
    expect(result.config.maxTries).toBe(0);
  });

  it('keeps [global] value when the module value is bad', () => {
    const result = parseConfig('[global]\nmax_tries : 4\n[web]\nmax_tries : lots\n', 'web', FILE);
    expect(result.config.maxTries).toBe(4);
    expect(result.warnings).toEqual([`unable to parse ${FILE} line 4: max_tries "lots" is not a whole number from 0 to 2147483; ignoring it`]);
  });

  it('takes kill_mode process, mixed or all per module; anything else is a WARNING naming the key, the value and the choices, and keeps the default', () => {
    expect(parseConfig('[global]\nkill_mode : all\n[web]\nkill_mode : process\n', 'web', FILE).config.killMode).toBe('process');
    expect(parseConfig('[global]\nkill_mode : all\n', 'web', FILE).config.killMode).toBe('all');
    const bad = parseConfig('[global]\nkill_mode : group\n', 'web', FILE);
    expect(bad.config.killMode).toBe('mixed');
    expect(bad.warnings).toEqual([`unable to parse ${FILE} line 2: kill_mode "group": expected one of process, mixed, all; ignoring it`]);
  });

  it('accepts the largest number and refuses one more', () => {
    expect(parseConfig('[global]\nstop_timeout : 2147483\n', 'web', FILE).config.stopTimeout).toBe(2147483);
    expect(parseConfig('[global]\nstop_timeout : 2147484\n', 'web', FILE).config.stopTimeout).toBe(0);
  });

  it('says so when neither [global] nor the module has a section', () => {
    expect(warningsOf('[other]\nmax_tries : 1\n')).toEqual([
      `no [global] and no [web] section in ${FILE}: it gives web no alarms and no limits`,
    ]);
    expect(warningsOf('')).toHaveLength(1);
  });

  it('warns about keys outside a section, unknown keys and indented keys', () => {
    expect(warningsOf('max_tries : 1\n[global]\nmax_try : 2\n  alarm_interval : 60\n')).toEqual([
      `unable to parse ${FILE} line 1: "max_tries : 1" (key outside any [section])`,
      `${FILE} line 3: unknown key "max_try" is ignored; known keys: alarm_interval, max_tries, max_tries_if_coredumped, alarm_mail, alarm_gsm, mail_transport, mail_from, gsm_command, stop_timeout, metrics_dir, alarm_alertmanager, user, group, directory, environment, env_dir, umask, nice, limit_nofile, limit_nproc, limit_core, limit_as, stop_signal, ready_fd, ready_timeout, restart_delay, restart_delay_max, success_exit_codes, no_restart_exit_codes, output_max_bytes, output_backups, output_timestamps, kill_mode`,
      `unable to parse ${FILE} line 4: "  alarm_interval : 60" (keys must start at the beginning of the line)`,
    ]);
  });

  it('warns about malformed and indented headers', () => {
    expect(warningsOf('[global]\n[ web ]\n [web]\n[]\n')).toEqual([
      `unable to parse ${FILE} line 2: "[ web ]" (not a [section] header; keys up to the next section are ignored)`,
      `unable to parse ${FILE} line 3: " [web]" (sections must start at the beginning of the line; keys up to the next section are ignored)`,
      `unable to parse ${FILE} line 4: "[]" (not a [section] header; keys up to the next section are ignored)`,
    ]);
  });

  it('warns about repeated sections and keys', () => {
    expect(warningsOf('[global]\nmax_tries : 1\nmax_tries : 2\n[web]\n[global]\n')).toEqual([
      `${FILE} line 3: max_tries repeats line 2 in [global]; the later value wins`,
      `${FILE} line 5: section [global] repeats the one at line 1; their keys are merged and later values win`,
    ]);
  });

  it('warns that 0 after [global] does not turn a global limit off', () => {
    const result = parseConfig('[global]\nalarm_interval : 60\n[web]\nalarm_interval : 0\n', 'web', FILE);
    expect(result.config.alarmInterval).toBe(60);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^\/etc\/svc\/supervise.conf line 4: alarm_interval 0 in \[web\] does not override \[global\]'s 60/);
  });

  it('warns about a bad mail_transport and keeps sendmail', () => {
    for (const value of ['http://mx.example.com', 'postfix', 'smtp://']) {
      const result = parseConfig(`[global]\nmail_transport : ${value}\n`, 'web', FILE);
      expect(result.config.mailTransport).toBe('sendmail');
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toContain(`line 2: mail_transport "${value}"`);
    }
  });

  it('warns about an alarm_alertmanager that is not an http(s) URL and keeps none', () => {
    for (const value of ['127.0.0.1:9093', 'smtp://am.example.com', 'http://']) {
      const result = parseConfig(`[global]\nalarm_alertmanager : ${value}\n`, 'web', FILE);
      expect(result.config.alarmAlertmanager).toBeNull();
      expect(result.warnings).toEqual([
        `unable to parse ${FILE} line 2: alarm_alertmanager "${value}": expected an http:// or https:// URL such as http://127.0.0.1:9093; ignoring it`,
      ]);
    }
  });

  it('takes metrics_dir and alarm_alertmanager from the module section over [global], masking a password', () => {
    const text = '[global]\nmetrics_dir : /var/lib/node/textfile\nalarm_alertmanager : http://a:9093\n[web]\nalarm_alertmanager : https://me:pw@am.corp:9093/am\n';
    const result = parseConfig(text, 'web', FILE);
    expect(result.warnings).toEqual([]);
    expect(result.config).toMatchObject({ metricsDir: '/var/lib/node/textfile', alarmAlertmanager: 'https://me:pw@am.corp:9093/am' });
    expect(result.loaded).toContain('metrics_dir = /var/lib/node/textfile (from [global])');
    expect(result.loaded).toContain('alarm_alertmanager = https://***@am.corp:9093/am (from [web])');
  });

  it('warns when more than 10 gsm numbers are given', () => {
    expect(warningsOf('[global]\nalarm_gsm : 1 2 3 4 5 6 7 8 9 10 11\n')).toEqual([
      `alarm_gsm has 11 numbers in ${FILE}; only the first 10 are used: 1 2 3 4 5 6 7 8 9 10`,
    ]);
  });

  it('turns binary garbage into at most 20 line warnings and a count, never a throw', () => {
    // xorshift32: the same bytes every run, with some 40 CR/LF among them.
    let x = 2463534242;
    const bytes = Buffer.alloc(8192).map(() => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) & 0xff;
    });
    const result = parseConfig(Buffer.from(bytes).toString('utf8'), 'web', FILE);
    expect(result.config).toEqual(createDefaultConfig());
    const lineWarnings = result.warnings.filter((w) => /line \d+:/.test(w));
    expect(lineWarnings).toHaveLength(20);
    expect(result.warnings).toContainEqual(expect.stringMatching(/^unable to parse \/etc\/svc\/supervise.conf: \d+ more lines could not be used$/));
    for (const warning of result.warnings) expect(warning.length).toBeLessThan(200);
  });

  it('collapses many bad lines into a count', () => {
    const text = '[global]\n' + 'junk\n'.repeat(25);
    const warnings = warningsOf(text);
    expect(warnings).toHaveLength(21);
    expect(warnings[19]).toBe(`unable to parse ${FILE} line 21: "junk"`);
    expect(warnings[20]).toBe(`unable to parse ${FILE}: 5 more lines could not be used`);
  });
});

describe('parseConfig: which warnings make `r` keep the old values (SPEC section 4)', () => {
  // Start-up accepts every one of these files; `r` must accept the same ones,
  // and refuse only a file with a line that cannot be parsed or used.
  const notes: { name: string; text: string; warning: string; maxTries: number }[] = [
    {
      name: 'a repeated key',
      text: '[global]\nalarm_interval : 60\nmax_tries : 3\nmax_tries : 5\n',
      warning: `${FILE} line 4: max_tries repeats line 3 in [global]; the later value wins`,
      maxTries: 5,
    },
    {
      name: 'a repeated [global]',
      text: '[global]\nalarm_interval : 60\n[global]\nmax_tries : 5\n',
      warning: `${FILE} line 3: section [global] repeats the one at line 1; their keys are merged and later values win`,
      maxTries: 5,
    },
    {
      name: 'an unknown key',
      text: '[global]\nalarm_interval : 60\nmax_tries : 5\nretry_delay : 3\n',
      warning: `${FILE} line 4: unknown key "retry_delay" is ignored; known keys: alarm_interval, max_tries, max_tries_if_coredumped, alarm_mail, alarm_gsm, mail_transport, mail_from, gsm_command, stop_timeout, metrics_dir, alarm_alertmanager, user, group, directory, environment, env_dir, umask, nice, limit_nofile, limit_nproc, limit_core, limit_as, stop_signal, ready_fd, ready_timeout, restart_delay, restart_delay_max, success_exit_codes, no_restart_exit_codes, output_max_bytes, output_backups, output_timestamps, kill_mode`,
      maxTries: 5,
    },
    {
      name: 'max_tries 0 in a module section after [global]',
      text: '[global]\nalarm_interval : 60\nmax_tries : 5\n[web]\nmax_tries : 0\n',
      warning: `${FILE} line 5: max_tries 0 in [web] does not override [global]'s 5: a section after [global] overrides numbers only with values above 0; put [web] before [global] to use only its own values`,
      maxTries: 5,
    },
    {
      name: 'an alarm_mail entry without @',
      text: '[global]\nalarm_interval : 60\nmax_tries : 5\nalarm_mail : ops dev@example.com\n',
      warning: `${FILE} line 4: alarm_mail entry "ops" is not a mail address (no @); no alarm mail goes to it`,
      maxTries: 5,
    },
  ];

  it.each(notes)('$name is a note: warned, not counted as unparsed', ({ text, warning, maxTries }) => {
    const result = parseConfig(text, 'web', FILE);
    expect(result.warnings).toEqual([warning]);
    expect(result.unparsedLines).toBe(0);
    expect(result.config.maxTries).toBe(maxTries);
  });

  it.each([
    ['a line that is not key : value', '[global]\nmax_tries : 5\nthis is not a line\n'],
    ['an indented key', '[global]\nmax_tries : 5\n  alarm_interval : 60\n'],
    ['a key outside any section', 'max_tries : 5\n[global]\n'],
    ['a malformed header', '[global]\nmax_tries : 5\n[ web ]\n'],
    ['a number that is not one', '[global]\nmax_tries : five\n'],
    ['a mail_transport that is not a URL', '[global]\nmail_transport : smtp:/alarm:pw@mail.corp:25\n'],
  ])('%s cannot be parsed: counted, so `r` keeps the old values', (_name, text) => {
    const result = parseConfig(text, 'web', FILE);
    expect(result.unparsedLines).toBe(1);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^unable to parse \/etc\/svc\/supervise\.conf line \d: /);
  });

  it('counts only the unparsable lines when both kinds are in one file', () => {
    const result = parseConfig('[global]\nmax_tries : 1\nmax_tries : 2\nbad line\nfoo : 1\n[global]\n', 'web', FILE);
    expect(result.unparsedLines).toBe(1);
    expect(result.warnings).toHaveLength(4);
  });

  it('caps notes and unparsable lines together, and says how many of each were left out', () => {
    const text = '[global]\n' + 'junk\n'.repeat(18) + 'foo : 1\n'.repeat(4);
    const result = parseConfig(text, 'web', FILE);
    expect(result.unparsedLines).toBe(18);
    expect(result.warnings).toHaveLength(21);
    expect(result.warnings.at(-2)).toMatch(/^\/etc\/svc\/supervise\.conf line 21: unknown key "foo"/);
    expect(result.warnings.at(-1)).toBe(`${FILE}: 2 more notes about lines not shown`);
  });
});

describe('parseConfig: alarm_mail entries that are not addresses (issue 16)', () => {
  it('names each entry and its line, and keeps only the addresses', () => {
    const result = parseConfig('[global]\nalarm_mail : ops, dev@example.com root\n[web]\nalarm_mail : @example.com a@b@c web@example.com\n', 'web', FILE);
    expect(result.config.alarmMail).toEqual(['dev@example.com', 'web@example.com']);
    expect(result.warnings).toEqual([
      `${FILE} line 2: alarm_mail entry "ops" is not a mail address (no @); no alarm mail goes to it`,
      `${FILE} line 2: alarm_mail entry "root" is not a mail address (no @); no alarm mail goes to it`,
      `${FILE} line 4: alarm_mail entry "@example.com" is not a mail address (expected NAME@DOMAIN); no alarm mail goes to it`,
      `${FILE} line 4: alarm_mail entry "a@b@c" is not a mail address (expected NAME@DOMAIN); no alarm mail goes to it`,
    ]);
    expect(result.loaded).toContain('alarm_mail = dev@example.com web@example.com (from [global] and [web])');
  });

  it('says that no alarm mail is sent when no address is left', () => {
    const result = parseConfig('[global]\nalarm_interval : 60\nalarm_mail : ops root\n', 'web', FILE);
    expect(result.config.alarmMail).toEqual([]);
    expect(result.warnings).toEqual([
      `${FILE} line 3: alarm_mail entry "ops" is not a mail address (no @); no alarm mail goes to it`,
      `${FILE} line 3: alarm_mail entry "root" is not a mail address (no @); no alarm mail goes to it`,
      `alarm_mail in ${FILE} leaves web no mail address: no alarm mail is sent`,
    ]);
    expect(result.unparsedLines).toBe(0);
  });
});

describe('parseConfig: mail_transport credentials never reach a message (issue 16, defect 3)', () => {
  const SECRET = 'Sup3rS3cret';
  it.each([
    ['a URL with one slash', `[global]\nmail_transport : smtp:/alarm:${SECRET}@mail.corp:25\n`, 'smtp:/***@mail.corp:25'],
    ['a URL with an invalid port', `[global]\nmail_transport : smtp://alarm:${SECRET}@mail.corp:99999\n`, 'smtp://***@mail.corp:99999'],
    ['an unsupported scheme', `[global]\nmail_transport : http://alarm:${SECRET}@mail.corp\n`, 'http://***@mail.corp'],
    ['an indented key', `[global]\n  mail_transport : smtp://alarm:${SECRET}@mail.corp\n`, 'smtp://***@mail.corp'],
    ['a line without a colon', `[global]\nmail_transport smtp://alarm:${SECRET}@mail.corp\n`, 'smtp://***@mail.corp'],
    ['a long line cut short', `[global]\n${'x'.repeat(50)} smtp://alarm:${SECRET}${'y'.repeat(40)}@mail.corp\n`, 'smtp://***'],
    ['a percent-encoded password', `[global]\nmail_transport : smtp:/alarm:${SECRET}%40x@mail.corp\n`, 'smtp:/***@mail.corp'],
  ])('masks %s in the warning', (_name, text, masked) => {
    const result = parseConfig(text, 'web', FILE);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(masked);
    expect([...result.warnings, ...result.loaded].join('\n')).not.toContain(SECRET);
  });

  it('masks a user without a password in the loaded line too', () => {
    const loaded = parseConfig('[global]\nmail_transport : smtp://alarm@mail.corp:25\n', 'web', FILE).loaded;
    expect(loaded).toContain('mail_transport = smtp://***@mail.corp:25 (from [global])');
  });
});

describe('parseConfig: loaded lines', () => {
  it('lists every value in force with where it came from', () => {
    // Section 7's and 14's keys; section 15's follow (test/unit/config/service-keys.test.ts).
    expect(parseConfig(SPEC_SAMPLE, 'redis', FILE).loaded.slice(0, 11)).toEqual([
      'alarm_interval = 120 (from [redis])',
      'max_tries = 3 (from [redis])',
      'max_tries_if_coredumped = 5 (from [global])',
      'alarm_mail = ops@example.com dev@example.com (from [global])',
      'alarm_gsm = 13800000000 (from [global])',
      'mail_transport = sendmail (default)',
      'mail_from = supervise@HOST (default)',
      'gsm_command = gsmsend-script (default)',
      'stop_timeout = 0 (default)',
      'metrics_dir = (none) (default)',
      'alarm_alertmanager = (none) (default)',
    ]);
    expect(parseConfig(SPEC_SAMPLE, 'redis', FILE).loaded).toEqual(expect.arrayContaining([
      'stop_signal = TERM (default)',
      'ready_fd = (none) (default)',
      'ready_timeout = 0 (default)',
      'restart_delay = 1 (default)',
      'restart_delay_max = (none) (default)',
      'success_exit_codes = (none) (default)',
      'no_restart_exit_codes = (none) (default)',
      'output_max_bytes = 0 (default)',
      'output_backups = 10 (default)',
      'output_timestamps = 0 (default)',
      'kill_mode = mixed (default)',
    ]));
  });

  it('names both sections of an appended list, notes a clamp, hides an SMTP password', () => {
    const text = '[global]\nalarm_mail : a@x.com\n[web]\nalarm_interval : 5\nalarm_mail : b@x.com\nmail_transport : smtps://me:secret@mx.example.com:465\n';
    const loaded = parseConfig(text, 'web', FILE).loaded;
    expect(loaded).toContain('alarm_interval = 60 (from [web]; 5 counts as 60)');
    expect(loaded).toContain('alarm_mail = a@x.com b@x.com (from [global] and [web])');
    expect(loaded).toContain('mail_transport = smtps://***@mx.example.com:465 (from [web])');
    expect(loaded.join('\n')).not.toContain('secret');
  });
});

describe('supervise.conf.example', () => {
  const text = readFileSync(new URL('../../../supervise.conf.example', import.meta.url), 'utf8');

  it('parses without warnings for every kind of module', () => {
    for (const module of ['redis', 'someModuleThatNoNeedNewFunction', 'nginx']) {
      expect(parseConfig(text, module, 'supervise.conf.example').warnings).toEqual([]);
    }
  });

  it('documents every key with its default', () => {
    for (const line of parseConfig('', 'any', 'x').loaded) {
      const key = line.split(' ')[0];
      expect(text).toMatch(new RegExp(`^${key} :`, 'm'));
    }
    expect(text.match(/Default: /g)).toHaveLength(Object.keys(DEFAULT_CONFIG).length);
  });

  it('gives redis its own window and limit on top of [global]', () => {
    expect(parseConfig(text, 'redis', 'x').config).toEqual(
      configOf({
        alarmInterval: 120,
        maxTries: 3,
        maxTriesIfCoredumped: 5,
        alarmMail: ['ops@example.com', 'dev@example.com', 'redis-owner@example.com'],
        alarmGsm: ['13800000000'],
        stopTimeout: 30,
      }),
    );
  });
});

describe('ini, as the parser relies on it', () => {
  it('nests a dotted section name, which is why the parser hands it opaque names', () => {
    expect(JSON.parse(JSON.stringify(decode('[a.b]\nx=1\n')))).toEqual({ a: { b: { x: '1' } } });
  });
});

describe('parseConfig: output keys (SPEC section 12)', () => {
  it('reads output_max_bytes with k, M and G suffixes, output_backups and output_timestamps', () => {
    for (const [value, bytes] of [['1048576', 1048576], ['512k', 512 * 1024], ['10M', 10 * 1024 ** 2], ['1G', 1024 ** 3]] as const) {
      const result = parseConfig(`[global]\noutput_max_bytes : ${value}\noutput_backups : 3\noutput_timestamps : 1\n`, 'web', FILE);
      expect(result.warnings).toEqual([]);
      expect(result.config).toMatchObject({ outputMaxBytes: bytes, outputBackups: 3, outputTimestamps: true });
    }
  });

  it('defaults to direct files, 10 backups and no timestamps', () => {
    expect(DEFAULT_CONFIG).toMatchObject({ outputMaxBytes: 0, outputBackups: 10, outputTimestamps: false });
  });

  it('warns about a bad value, naming the key, the value and what is expected, and keeps the default', () => {
    const result = parseConfig('[global]\noutput_max_bytes : lots\noutput_backups : -1\noutput_timestamps : yes\n', 'web', FILE);
    expect(result.warnings).toEqual([
      `unable to parse ${FILE} line 2: output_max_bytes "lots" is not a number of bytes up to 1073741824, optionally with a k, M or G suffix; ignoring it`,
      `unable to parse ${FILE} line 3: output_backups "-1" is not a whole number from 0 to 2147483; ignoring it`,
      `unable to parse ${FILE} line 4: output_timestamps "yes" is not 0 or 1; ignoring it`,
    ]);
    expect(result.config).toMatchObject({ outputMaxBytes: 0, outputBackups: 10, outputTimestamps: false });
  });

  it('refuses a size above 1G, where the line held in memory would be too large', () => {
    expect(parseConfig('[global]\noutput_max_bytes : 2G\n', 'web', FILE).config.outputMaxBytes).toBe(0);
  });

  it('lets a section after [global] override with values above 0 only, as for numbers', () => {
    const text = '[global]\noutput_max_bytes : 1M\noutput_timestamps : 1\n[web]\noutput_max_bytes : 0\noutput_timestamps : 0\n[db]\noutput_max_bytes : 2M\n';
    expect(parseConfig(text, 'web', FILE).config).toMatchObject({ outputMaxBytes: 1024 ** 2, outputTimestamps: true });
    expect(parseConfig(text, 'db', FILE).config.outputMaxBytes).toBe(2 * 1024 ** 2);
  });
});
