// SPEC section 7 stop_timeout: KILL after that many seconds to a service that
// ignores TERM, after d and after supervise's own SIGTERM; 0 never sends KILL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, isAlive, readLog, startSupervised, waitForDaemonExit, writeControl } from '../../helpers/supervise-process.js';

const ignoreTerm = join(FIXTURES, 'ignore-term.sh');

function config(stopTimeout: number): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\nstop_timeout : ${stopTimeout}\n`);
  return path;
}

describe('stop_timeout', () => {
  it('sends KILL after d to a service that ignores TERM', async () => {
    const { dir, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(1)] });
    writeControl(dir, 'd');
    await waitFor(() => !isAlive(servicePid) || undefined, { what: 'the service killed' });
    expect(readLog(dir, 'supervise.log.wf')).toContain('still running 1 s after TERM, sending KILL');
    // Dead is not yet reaped: the exit is logged once the daemon has waited for it.
    await waitForLog(dir, new RegExp(`was killed by SIGKILL, pid ${servicePid}, ran [\\d.]+ s, expected`));
  });

  it("sends KILL after supervise's own SIGTERM, then exits", async () => {
    const { daemonPid, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(1)] });
    process.kill(daemonPid, 'SIGTERM');
    await waitForDaemonExit(daemonPid, 5_000);
    expect(isAlive(servicePid)).toBe(false);
  });

  it('never sends KILL when it is 0', async () => {
    const { dir, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(0)] });
    writeControl(dir, 'd');
    await waitFor(() => /control command d/.test(readLog(dir)) || undefined, { what: 'd applied' });
    // Longer than the 1 s timeout above: nothing may come.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(isAlive(servicePid)).toBe(true);
    expect(readLog(dir, 'supervise.log.wf')).not.toContain('sending KILL');
  });
});
