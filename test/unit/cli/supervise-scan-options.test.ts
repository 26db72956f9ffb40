import { describe, expect, it } from 'vitest';
import { parseScanArgs } from '../../../src/cli/supervise-scan-options.js';
import { SuperviseError } from '../../../src/core/supervise-error.js';

function usageErrorOf(argv: string[]): SuperviseError {
  try {
    parseScanArgs(argv);
  } catch (error) {
    return error as SuperviseError;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseScanArgs', () => {
  it('takes SCANDIR, with -F or without (then the config is SCANDIR/supervise.conf)', () => {
    expect(parseScanArgs(['/service'])).toEqual({ kind: 'run', options: { scanDir: '/service', configPath: null } });
    expect(parseScanArgs(['-F', '/etc/s.conf', '/service'])).toEqual({ kind: 'run', options: { scanDir: '/service', configPath: '/etc/s.conf' } });
  });

  it('prints the version and the usage', () => {
    expect(parseScanArgs(['-v'])).toEqual({ kind: 'print', text: 'supervise-scan 0.1.0' });
    expect(parseScanArgs(['-h'])).toMatchObject({ kind: 'print', text: expect.stringContaining('supervise-scan [-F CONF_PATH] SCANDIR') });
  });

  it.each([
    [[], 'missing SCANDIR'],
    [['a', 'b'], 'unexpected argument "b"'],
    [['-x', 'a'], 'Unknown argument: x'],
    [['-F', '', 'a'], '-F expects a config file path'],
  ])('%j is a usage error (exit 100): %s', (argv, message) => {
    const error = usageErrorOf(argv);
    expect(error.exitCode).toBe(100);
    expect(error.message).toContain(message);
  });
});
