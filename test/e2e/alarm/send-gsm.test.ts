import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SendGsmError, sendGsm } from '../../../src/alarm/send-gsm.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { setEnv } from '../../helpers/set-env.js';
import { isAlive } from '../../helpers/supervise-process.js';

const RECORD_ARGV = resolve(import.meta.dirname, '../../fixtures/record-argv.mjs');

interface Recorded {
  pid: number;
  argv: string[];
}

/** Points the fixture at a fresh record file and returns a reader for it. */
function recordRuns(): () => Recorded[] {
  const file = join(makeTempDir(), 'argv.jsonl');
  setEnv('RECORD_ARGV_FILE', file);
  return () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Recorded)
      : [];
}

describe('sendGsm', () => {
  it('runs the command once per number with the single argument NUMBER@MESSAGE', async () => {
    const runs = recordRuns();
    await sendGsm(RECORD_ARGV, ['13800000000', '13900000001'], '[Alarm: db-01] Service redis exited!');
    const argvs = runs()
      .map((run) => run.argv)
      .sort();
    expect(argvs).toEqual([
      ['13800000000@[Alarm: db-01] Service redis exited!'],
      ['13900000001@[Alarm: db-01] Service redis exited!'],
    ]);
  });

  it('passes shell metacharacters verbatim and runs nothing they name', async () => {
    const runs = recordRuns();
    const marker = join(makeTempDir(), 'injected');
    const message = `x $(touch ${marker}) \`touch ${marker}\`; touch ${marker} && echo | "quoted" 'single' * ~ > <`;
    await sendGsm(RECORD_ARGV, ['13800000000'], message);
    expect(runs().map((run) => run.argv)).toEqual([[`13800000000@${message}`]]);
    expect(existsSync(marker)).toBe(false);
  });

  it('does nothing for an empty list of numbers', async () => {
    const runs = recordRuns();
    await sendGsm(RECORD_ARGV, [], 'message');
    expect(runs()).toEqual([]);
  });

  it('rejects naming the command and every number when the command does not exist', async () => {
    const missing = join(makeTempDir(), 'gsmsend-script');
    const error = await sendGsm(missing, ['13800000000', '13900000001'], 'm').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendGsmError);
    expect((error as SendGsmError).message).toBe(
      `unable to run ${missing} for 13800000000 (command not found (ENOENT)), 13900000001 (command not found (ENOENT))`,
    );
  });

  it('tries every number and names only those that failed, with the exit code', async () => {
    const runs = recordRuns();
    setEnv('RECORD_ARGV_FAIL', '13900000001');
    const error = await sendGsm(RECORD_ARGV, ['13800000000', '13900000001', '13700000002'], 'm').then(
      () => null,
      (e: unknown) => e,
    );
    expect(runs()).toHaveLength(3);
    expect((error as SendGsmError).failures).toEqual([{ number: '13900000001', reason: 'exited with code 7' }]);
    expect((error as SendGsmError).message).toBe(`unable to run ${RECORD_ARGV} for 13900000001 (exited with code 7)`);
  });

  it('refuses a number that the script would read as an option', async () => {
    const runs = recordRuns();
    const error = await sendGsm(RECORD_ARGV, ['--help', '13800000000'], 'm').then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as SendGsmError).failures).toEqual([{ number: '--help', reason: 'not a phone number' }]);
    expect(runs().map((run) => run.argv)).toEqual([['13800000000@m']]);
  });

  it('kills a command that does not exit within the timeout and says so', async () => {
    const runs = recordRuns();
    setEnv('RECORD_ARGV_HANG', '1');
    // Long enough for the fixture to start and record its pid on a busy machine.
    const error = await sendGsm(RECORD_ARGV, ['13800000000'], 'm', 2_000).then(
      () => null,
      (e: unknown) => e,
    );
    const [{ pid }] = runs();
    onTestFinished(() => {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    expect((error as SendGsmError).failures).toEqual([
      { number: '13800000000', reason: 'no exit within 2000 ms (timed out), killed' },
    ]);
    // sendGsm resolves on 'close', after the kernel reported the exit: the pid must be gone.
    await waitFor(() => !isAlive(pid), { what: `the hung gsm command (pid ${pid}) to be gone` });
  });
});
