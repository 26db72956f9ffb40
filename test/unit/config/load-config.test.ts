import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultConfig, MAX_CONFIG_BYTES } from '../../../src/config/config-defaults.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const DEFAULTS = createDefaultConfig();

describe('loadConfig', () => {
  it('reads and parses a real file for the module', () => {
    const path = join(makeTempDir(), 'supervise.conf');
    writeFileSync(path, '[global]\nalarm_interval : 60\nmax_tries : 2\n[redis]\nmax_tries : 5\n');
    const result = loadConfig(path, 'redis');
    expect(result.fileRead).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.config).toEqual({ ...DEFAULTS, alarmInterval: 60, maxTries: 5 });
    expect(result.loaded).toContain('max_tries = 5 (from [redis])');
  });

  it('names the path of a missing file and says alarms and limits are off', () => {
    const path = join(makeTempDir(), 'supervise.conf');
    const result = loadConfig(path, 'redis');
    expect(result).toEqual({
      config: DEFAULTS,
      warnings: [`unable to read ${path}: ENOENT: no such file or directory; alarms and limits are off for redis`],
      loaded: expect.arrayContaining(['alarm_interval = 0 (default)']),
      fileRead: false,
      unparsedLines: 0,
      reloadRefusal: 'it cannot be read',
    });
  });

  it('refuses a directory with the reason', () => {
    const path = makeTempDir();
    const result = loadConfig(path, 'redis');
    expect(result.config).toEqual(DEFAULTS);
    expect(result.fileRead).toBe(false);
    expect(result.warnings).toEqual([`unable to read ${path}: is a directory; alarms and limits are off for redis`]);
  });

  it('refuses a FIFO instead of waiting for a writer', () => {
    const path = join(makeTempDir(), 'supervise.conf');
    execFileSync('mkfifo', [path]);
    const result = loadConfig(path, 'redis');
    expect(result.fileRead).toBe(false);
    expect(result.warnings).toEqual([`unable to read ${path}: not a regular file; alarms and limits are off for redis`]);
  });

  it('refuses a file over 1 MiB without reading it, and reads one of exactly 1 MiB', () => {
    const dir = makeTempDir();
    const big = join(dir, 'big.conf');
    // A valid config padded with comments: only the size can make it fail.
    const head = '[global]\nalarm_interval : 60\n';
    const pad = (size: number) => head + '#'.repeat(size - head.length - 1) + '\n';
    writeFileSync(big, pad(MAX_CONFIG_BYTES + 1));
    const refused = loadConfig(big, 'redis');
    expect(refused.fileRead).toBe(false);
    expect(refused.config).toEqual(DEFAULTS);
    expect(refused.warnings).toEqual([
      `unable to read ${big}: ${MAX_CONFIG_BYTES + 1} bytes, more than the ${MAX_CONFIG_BYTES} a config file may have; alarms and limits are off for redis`,
    ]);

    const limit = join(dir, 'limit.conf');
    writeFileSync(limit, pad(MAX_CONFIG_BYTES));
    const accepted = loadConfig(limit, 'redis');
    expect(accepted.fileRead).toBe(true);
    expect(accepted.config.alarmInterval).toBe(60);
  });

  it('refuses an unreadable file with the reason', (context) => {
    if (process.getuid?.() === 0) context.skip(); // root reads mode 000 files
    const path = join(makeTempDir(), 'supervise.conf');
    writeFileSync(path, '[global]\nalarm_interval : 60\n');
    chmodSync(path, 0o000);
    const result = loadConfig(path, 'redis');
    expect(result.fileRead).toBe(false);
    expect(result.warnings).toEqual([`unable to read ${path}: EACCES: permission denied; alarms and limits are off for redis`]);
  });

  it('refuses a path through a regular file (ENOTDIR), whoever runs the test', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'file'), '');
    const path = join(dir, 'file', 'supervise.conf');
    const result = loadConfig(path, 'redis');
    expect(result.fileRead).toBe(false);
    expect(result.config).toEqual(DEFAULTS);
    expect(result.warnings).toEqual([`unable to read ${path}: ENOTDIR: not a directory; alarms and limits are off for redis`]);
  });

  it('turns binary garbage into warnings, never a throw', () => {
    const path = join(makeTempDir(), 'supervise.conf');
    writeFileSync(path, randomFillSync(Buffer.alloc(64 * 1024)));
    const result = loadConfig(path, 'redis');
    expect(result.fileRead).toBe(true);
    expect(result.config).toEqual(DEFAULTS);
    expect(result.warnings.length).toBeGreaterThan(0);
    expect(result.warnings.length).toBeLessThanOrEqual(22);
  });

  it('finds the module of a dotted, dashed name in a file with CRLF and a BOM', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'etc'));
    const path = join(dir, 'etc', 'supervise.conf');
    writeFileSync(path, '\uFEFF[global]\r\nalarm_interval : 60\r\n[meta.txn-recover]\r\nmax_tries : 4\r\n');
    const result = loadConfig(path, 'meta.txn-recover');
    expect(result.warnings).toEqual([]);
    expect(result.config).toEqual({ ...DEFAULTS, alarmInterval: 60, maxTries: 4 });
  });

  describe('for `r` (SPEC section 4)', () => {
    it('says an unreadable file keeps the values in force, not that alarms and limits are off', () => {
      const path = join(makeTempDir(), 'supervise.conf');
      const result = loadConfig(path, 'redis', 'reload');
      expect(result.warnings).toEqual([`unable to read ${path}: ENOENT: no such file or directory`]);
      expect(result.reloadRefusal).toBe('it cannot be read');
      expect(result.warnings.join('\n')).not.toContain('alarms and limits are off');
    });

    it('refuses a file with a line that cannot be parsed, naming how many', () => {
      const path = join(makeTempDir(), 'supervise.conf');
      writeFileSync(path, '[global]\nmax_tries : 2\nbroken\nmax_tries_if_coredumped : x\n');
      expect(loadConfig(path, 'redis', 'reload').reloadRefusal).toBe('2 lines cannot be parsed');
    });

    // Issue 9's file: start-up used it, `r` refused it and kept the old interval.
    it("accepts the file start-up accepts when [web]'s max_tries 0 overrides nothing, with the same note", () => {
      const path = join(makeTempDir(), 'supervise.conf');
      writeFileSync(path, '[global]\nalarm_interval : 120\nmax_tries : 5\n[web]\nmax_tries : 0\n');
      const atStart = loadConfig(path, 'web', 'start');
      const onReload = loadConfig(path, 'web', 'reload');
      expect(onReload).toEqual(atStart);
      expect(onReload.reloadRefusal).toBeNull();
      expect(onReload.config).toEqual({ ...DEFAULTS, alarmInterval: 120, maxTries: 5 });
      expect(onReload.warnings).toEqual([
        `${path} line 5: max_tries 0 in [web] does not override [global]'s 5: a section after [global] overrides numbers only with values above 0; put [web] before [global] to use only its own values`,
      ]);
    });

    it('accepts a file whose only warnings are notes about legal lines', () => {
      const path = join(makeTempDir(), 'supervise.conf');
      writeFileSync(path, '[global]\nalarm_interval : 60\nmax_tries : 2\nmax_tries : 3\nfoo : 1\n[global]\n[redis]\nmax_tries_if_coredumped : 0\n');
      const result = loadConfig(path, 'redis', 'reload');
      expect(result.reloadRefusal).toBeNull();
      expect(result.warnings).toHaveLength(3);
      expect(result.config).toEqual({ ...DEFAULTS, alarmInterval: 60, maxTries: 3 });
    });
  });
});
