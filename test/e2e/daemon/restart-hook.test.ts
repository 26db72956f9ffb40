// SPEC section 6: -r SH runs after every exit with the exit count, the restart
// waits for it, and -t N starts the count again after N quiet seconds.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import {
  FIXTURES,
  countLogLines,
  isAlive,
  readLog,
  readStatus,
  readStatusJson,
  startSupervised,
  waitForDaemonExit,
  waitForServicePid,
  writeControl,
} from '../../helpers/supervise-process.js';

const hook = join(FIXTURES, 'record-hook.sh');

function records(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

/** Lines of `file` interleaved with service starts, from the stamps the service writes. */
describe('restart hook', () => {
  it('gets the exit count and the restart waits for it', async () => {
    const record = join(makeTempDir(), 'record');
    const { dir, servicePid } = await startSupervised(['sh', '-c', `echo service >> "${record}"; exec sleep infinity`], {
      args: ['-r', hook],
      env: { ...process.env, HOOK_RECORD: record, HOOK_DELAY: '1' },
    });
    // Each service is killed only once it has stamped the record: a kill before its echo would lose the stamp.
    const stamped = (starts: number) => waitFor(() => records(record).filter((line) => line === 'service').length === starts || undefined, { what: `${starts} service stamps` });
    await stamped(1);
    process.kill(servicePid, 'SIGKILL');
    const second = await waitForServicePid(dir, servicePid);
    await stamped(2);
    process.kill(second, 'SIGKILL');
    await waitForServicePid(dir, second);
    await waitFor(() => records(record).length === 7 || undefined, { what: 'two hook runs and three starts' });
    // Each restart comes only after the hook has finished.
    expect(records(record)).toEqual(['service', 'start 1', 'end 1', 'service', 'start 2', 'end 2', 'service']);
  });

  it('starts the count again after -t seconds without an exit', async () => {
    const record = join(makeTempDir(), 'record');
    const { dir, servicePid } = await startSupervised([join(FIXTURES, 'forever.sh')], {
      args: ['-r', hook, '-t', '1'],
      env: { ...process.env, HOOK_RECORD: record },
    });
    process.kill(servicePid, 'SIGKILL');
    const second = await waitForServicePid(dir, servicePid);
    // The second exit must come more than 1 s after the first, as the daemon
    // timed it: wait for the wall clock to pass that moment, then kill.
    const firstExitAt = Date.parse(readStatusJson(dir).lastExit?.at ?? '');
    await waitFor(() => Date.now() > firstExitAt + 1_100 || undefined, { what: '1.1 s after the first exit' });
    process.kill(second, 'SIGKILL');
    const third = await waitForServicePid(dir, second);
    process.kill(third, 'SIGKILL');
    await waitFor(() => records(record).filter((line) => line.startsWith('end')).length === 3 || undefined, { what: 'three hook runs' });
    expect(records(record).filter((line) => line.startsWith('start'))).toEqual(['start 1', 'start 1', 'start 2']);
  });

  it('still stops with d and exits with x', async () => {
    const record = join(makeTempDir(), 'record');
    const { dir, daemonPid, servicePid } = await startSupervised([join(FIXTURES, 'forever.sh')], {
      args: ['-r', hook],
      env: { ...process.env, HOOK_RECORD: record },
    });
    writeControl(dir, 'd');
    await waitFor(() => records(record).includes('end 1') || undefined, { what: 'the hook after d' });
    expect(isAlive(servicePid)).toBe(false);
    expect(readStatus(dir).pid).toBe(0);
    expect(countLogLines(dir, /service svc started/)).toBe(1);
    writeControl(dir, 'x');
    await waitForDaemonExit(daemonPid);
  });

  it('logs a hook that exits 0 as a NOTICE, and one that fails, is killed or is gone as a WARNING', async () => {
    const cwd = makeTempDir();
    const failing = join(cwd, 'hook.sh');
    // Exit 0 on the first run, 3 on the second, killed on the third.
    writeFileSync(failing, '#!/bin/sh\ncase "$1" in 1) exit 0;; 2) exit 3;; *) kill -KILL $$;; esac\n');
    chmodSync(failing, 0o755);
    const { dir, servicePid } = await startSupervised([join(FIXTURES, 'forever.sh')], { args: ['-r', failing] });
    let pid = servicePid;
    for (let run = 1; run <= 3; run += 1) {
      process.kill(pid, 'SIGKILL');
      pid = await waitForServicePid(dir, pid);
    }
    // Gone at run time: the restart still goes on.
    rmSync(failing);
    process.kill(pid, 'SIGKILL');
    await waitForServicePid(dir, pid);
    const warnings = await waitForLog(dir, `restart hook ${failing} failed: not found`, 'supervise.log.wf');
    const lineOf = (text: string, part: string) => text.split('\n').find((line) => line.includes(part)) ?? '';
    expect(lineOf(warnings, `restart hook ${failing} exited with code 3`)).toMatch(/^\[WARNING\] /);
    expect(lineOf(warnings, `restart hook ${failing} killed by SIGKILL`)).toMatch(/^\[WARNING\] /);
    expect(lineOf(warnings, `restart hook ${failing} failed: not found`)).toMatch(/^\[WARNING\] /);
    expect(warnings).not.toContain('exited with code 0');
    expect(lineOf(readLog(dir), `restart hook ${failing} exited with code 0`)).toMatch(/^\[NOTICE\] /);
  });
});
