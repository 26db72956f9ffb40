// SPEC section 7 stop_timeout: KILL after that many seconds to a service that
// ignores TERM, after d and after supervise's own SIGTERM; 0 never sends KILL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, isAlive, readLog, readStatusJson, startSupervised, waitForDaemonExit, waitForSignalHandled, writeControl } from '../../helpers/supervise-process.js';

const ignoreTerm = join(FIXTURES, 'ignore-term.sh');

function config(stopTimeout: number): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\nstop_timeout : ${stopTimeout}\n`);
  return path;
}

describe('stop_timeout', () => {
  it('sends KILL after d to a service that ignores TERM', async () => {
    const { dir, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(1)] });
    await waitForSignalHandled(servicePid, 'SIGTERM');
    writeControl(dir, 'd');
    await waitFor(() => !isAlive(servicePid) || undefined, { what: 'the service killed' });
    expect(readLog(dir, 'supervise.log.wf')).toContain('still running 1 s after TERM, sending KILL');
    // Dead is not yet reaped: the exit is logged once the daemon has waited for it.
    await waitForLog(dir, new RegExp(`was killed by SIGKILL, pid ${servicePid}, ran [\\d.]+ s, expected`));
  });

  it("sends KILL after supervise's own SIGTERM, then exits", async () => {
    const { daemonPid, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(1)] });
    await waitForSignalHandled(servicePid, 'SIGTERM');
    process.kill(daemonPid, 'SIGTERM');
    await waitForDaemonExit(daemonPid, 5_000);
    expect(isAlive(servicePid)).toBe(false);
  });

  // That no KILL ever follows with 0 is checked on a clock moved by hand, in
  // test/unit/shell/supervisor.test.ts; here, that 0 reaches the daemon and d
  // leaves a service that ignores TERM to the operator, who can still k it.
  it('leaves a service that ignores TERM running after d when it is 0; k then ends it', async () => {
    const { dir, servicePid } = await startSupervised([ignoreTerm], { args: ['-F', config(0)] });
    expect(readStatusJson(dir).limits.stopTimeout).toBe(0);
    await waitForSignalHandled(servicePid, 'SIGTERM');
    writeControl(dir, 'd');
    await waitFor(() => readStatusJson(dir).want === 'down' || undefined, { what: 'want down in status.json' });
    expect(isAlive(servicePid)).toBe(true);
    writeControl(dir, 'k');
    await waitForLog(dir, new RegExp(`was killed by SIGKILL, pid ${servicePid}, ran [\\d.]+ s, expected`));
    expect(readLog(dir, 'supervise.log.wf')).not.toContain('sending KILL');
  });
});
