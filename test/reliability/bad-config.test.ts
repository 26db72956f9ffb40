// Reliability: supervise.conf files that are broken in every way we could
// think of, end to end through the daemon (SPEC section 7). supervise must
// start the service anyway, log a WARNING naming the file (and the line, when
// there is one), and run with the documented defaults for what it could not use.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/config-defaults.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import { FIXTURES, isAlive, readLog, readStatusJson, startSupervised, writeControl } from '../helpers/supervise-process.js';

const DEFAULT_LIMITS = {
  alarmInterval: DEFAULT_CONFIG.alarmInterval,
  maxTries: DEFAULT_CONFIG.maxTries,
  maxTriesIfCoredumped: DEFAULT_CONFIG.maxTriesIfCoredumped,
  stopTimeout: DEFAULT_CONFIG.stopTimeout,
};

interface BadConfig {
  name: string;
  /** Creates the config at `path`. */
  make(path: string): void;
  /** Every one of these must be in supervise.log.wf; `FILE` stands for the config path. */
  warnings: string[];
  /** The limits in force: the defaults, except what the file could give. */
  limits: Partial<typeof DEFAULT_LIMITS>;
}

/** Deterministic bytes that are not text: every byte value, NUL and newlines included, shuffled. */
function binaryGarbage(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let seed = 0x2545f491;
  for (let index = 0; index < size; index += 1) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    bytes[index] = seed >>> 24;
  }
  return bytes;
}

const CASES: BadConfig[] = [
  {
    name: 'binary garbage',
    make: (path) => writeFileSync(path, binaryGarbage(64 * 1024)),
    warnings: ['unable to parse FILE line 1: ', 'more lines could not be used', 'no [global] and no [svc] section in FILE: it gives svc no alarms and no limits'],
    limits: {},
  },
  {
    name: 'a 10 MB file',
    // Valid lines all the way, so only its size can be the reason it is refused.
    make: (path) => writeFileSync(path, Buffer.alloc(10 * 1024 * 1024, `[global]\nmax_tries : 3\n${'#'.repeat(39)}\n`)),
    warnings: ['unable to read FILE: 10485760 bytes, more than the 1048576 a config file may have; alarms and limits are off for svc'],
    limits: {},
  },
  {
    name: 'CRLF line ends',
    make: (path) => writeFileSync(path, '[global]\r\nalarm_interval : 120\r\nmax_tries : 3\r\n\r\n[svc]\r\nstop_timeout : 2\r\n'),
    warnings: [],
    limits: { alarmInterval: 120, maxTries: 3, stopTimeout: 2 },
  },
  {
    name: 'a UTF-8 BOM',
    make: (path) => writeFileSync(path, '\uFEFF[global]\nmax_tries : 4\n'),
    warnings: [],
    limits: { maxTries: 4 },
  },
  {
    name: 'negative, huge and non-numeric values',
    make: (path) =>
      writeFileSync(path, '[global]\nalarm_interval : 120\nmax_tries : -5\nmax_tries_if_coredumped : 99999999999999999999\nstop_timeout : ten\n'),
    warnings: [
      'unable to parse FILE line 3: max_tries "-5" is not a whole number from 0 to 2147483; ignoring it',
      'unable to parse FILE line 4: max_tries_if_coredumped "99999999999999999999" is not a whole number from 0 to 2147483; ignoring it',
      'unable to parse FILE line 5: stop_timeout "ten" is not a whole number from 0 to 2147483; ignoring it',
    ],
    limits: { alarmInterval: 120 },
  },
  {
    name: 'duplicate sections',
    make: (path) => writeFileSync(path, '[global]\nmax_tries : 3\n[global]\nmax_tries : 7\n'),
    warnings: ['FILE line 3: section [global] repeats the one at line 1; their keys are merged and later values win'],
    limits: { maxTries: 7 },
  },
  {
    name: 'a directory in place of the file',
    make: (path) => mkdirSync(path),
    warnings: ['unable to read FILE: is a directory; alarms and limits are off for svc'],
    limits: {},
  },
  {
    name: 'a missing file',
    make: () => {},
    warnings: ['unable to read FILE: ENOENT: no such file or directory; alarms and limits are off for svc'],
    limits: {},
  },
];

describe('bad supervise.conf, through the daemon', () => {
  it.each(CASES)('starts the service with $name, warning and using the defaults', async ({ make, warnings, limits }) => {
    const path = join(makeTempDir(), 'supervise.conf');
    make(path);
    const { dir, servicePid } = await startSupervised([join(FIXTURES, 'forever.sh')], { args: ['-F', path] });
    expect(isAlive(servicePid)).toBe(true);

    // The config line comes after every warning about the file, so once it is there they all are.
    await waitForLog(dir, `config ${path}: alarm_interval = ${limits.alarmInterval ?? 0}`);
    const logged = readLog(dir, 'supervise.log.wf');
    const lines = logged.split('\n');
    for (const warning of warnings) {
      const expected = warning.replaceAll('FILE', path);
      expect(lines.filter((line) => line.startsWith('[WARNING] ') && line.includes(expected)), `${expected} in\n${logged}`).toHaveLength(1);
    }
    if (warnings.length === 0) expect(logged).toBe('');
    // Whatever the file held, every log line is one whole line of ours, with no control characters left in it.
    for (const line of logged.trimEnd().split('\n').filter((text) => text !== '')) {
      expect(line).toMatch(/^\[(WARNING|FATAL)\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^\x00-\x1f\x7f-\x9f\u2028\u2029]+$/u);
    }
    expect(readStatusJson(dir).limits).toEqual({ ...DEFAULT_LIMITS, ...limits });
  });
});

// SPEC section 4: any file that start-up accepts, `r` accepts too. A note about
// a legal line is a WARNING, never a refusal (issue 16, defect 10).
interface ReloadCase {
  name: string;
  text: string;
  /** The WARNING `r` must log; `FILE` stands for the config path. */
  warning: string;
  limits: Partial<typeof DEFAULT_LIMITS>;
}

const FIRST_CONFIG = '[global]\nalarm_interval : 60\nmax_tries : 3\n';

const RELOAD_CASES: ReloadCase[] = [
  {
    name: 'a repeated key',
    text: '[global]\nalarm_interval : 120\nmax_tries : 4\nmax_tries : 5\n',
    warning: 'FILE line 4: max_tries repeats line 3 in [global]; the later value wins',
    limits: { alarmInterval: 120, maxTries: 5 },
  },
  {
    name: 'a repeated [global]',
    text: '[global]\nalarm_interval : 120\n[global]\nmax_tries : 5\n',
    warning: 'FILE line 3: section [global] repeats the one at line 1; their keys are merged and later values win',
    limits: { alarmInterval: 120, maxTries: 5 },
  },
  {
    name: 'an unknown key',
    text: '[global]\nalarm_interval : 120\nmax_tries : 5\nretry_delay : 3\n',
    warning: 'FILE line 4: unknown key "retry_delay" is ignored',
    limits: { alarmInterval: 120, maxTries: 5 },
  },
  {
    name: 'max_tries 0 in the module section after [global]',
    text: '[global]\nalarm_interval : 120\nmax_tries : 5\n[svc]\nmax_tries : 0\nstop_timeout : 2\n',
    warning: "FILE line 5: max_tries 0 in [svc] does not override [global]'s 5",
    limits: { alarmInterval: 120, maxTries: 5, stopTimeout: 2 },
  },
];

describe('r accepts every file that start-up accepts', () => {
  it.each(RELOAD_CASES)('reloads a file with $name, with a WARNING', async ({ text, warning, limits }) => {
    const path = join(makeTempDir(), 'supervise.conf');
    writeFileSync(path, FIRST_CONFIG);
    const { dir } = await startSupervised([join(FIXTURES, 'forever.sh')], { args: ['-F', path] });
    expect(readStatusJson(dir).limits).toEqual({ ...DEFAULT_LIMITS, alarmInterval: 60, maxTries: 3 });

    writeFileSync(path, text);
    writeControl(dir, 'r');
    await waitForLog(dir, `config ${path} reloaded: alarm_interval = ${limits.alarmInterval}`);
    await waitFor(() => readStatusJson(dir).limits.maxTries === limits.maxTries || undefined, { what: `max_tries ${limits.maxTries} in status.json` });
    expect(readStatusJson(dir).limits).toEqual({ ...DEFAULT_LIMITS, ...limits });
    // supervise.log.wf is a file of its own, written beside supervise.log: wait for it too.
    const logged = await waitForLog(dir, warning.replace('FILE', path), 'supervise.log.wf');
    expect(logged.split('\n').filter((line) => line.startsWith('[WARNING] ') && line.includes(warning.replace('FILE', path))), logged).toHaveLength(1);
    expect(logged).not.toContain('not reloaded');
  });

  it('keeps the old values when the file is gone on r, and says so without claiming alarms and limits are off', async () => {
    const path = join(makeTempDir(), 'supervise.conf');
    writeFileSync(path, FIRST_CONFIG);
    const { dir } = await startSupervised([join(FIXTURES, 'forever.sh')], { args: ['-F', path] });
    rmSync(path);
    writeControl(dir, 'r');
    const logged = await waitForLog(dir, `config ${path} not reloaded: keeping the values in force (it cannot be read)`, 'supervise.log.wf');
    expect(logged).toContain(`[WARNING] `);
    expect(logged).toContain(`unable to read ${path}: ENOENT: no such file or directory\n`);
    expect(logged).not.toContain('alarms and limits are off');
    expect(readStatusJson(dir).limits).toEqual({ ...DEFAULT_LIMITS, alarmInterval: 60, maxTries: 3 });
  });
});
