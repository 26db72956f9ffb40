// Reliability: supervise.conf files that are broken in every way we could
// think of, end to end through the daemon (SPEC section 7). supervise must
// start the service anyway, log a WARNING naming the file (and the line, when
// there is one), and run with the documented defaults for what it could not use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/config-defaults.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { FIXTURES, isAlive, readLog, readStatusJson, startSupervised } from '../helpers/supervise-process.js';

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
    warnings: ['unable to parse FILE line 1: ', 'more lines could not be used', 'no [global] and no [svc] section in FILE: alarms and limits are off for svc'],
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
    warnings: ['unable to parse FILE line 3: section [global] repeats the one at line 1; their keys are merged and later values win'],
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
