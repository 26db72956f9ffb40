// A service's log service under supervise-scan (SPEC section 13): log/run
// reads the service's stdout through a pipe the scan holds, so restarting
// either side loses no line. Run with the seeds' own layout: run is
// `#!/bin/sh` + `exec ./app`, log/run is `exec multilog t ./main` with
// Debian's daemontools multilog.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FIXTURES, isAlive, readStatus, runCommand, waitForServicePid, writeControl } from '../../helpers/supervise-process.js';
import { startScan, writeScript } from '../../helpers/supervise-scan-process.js';
import { waitFor } from '../../helpers/wait-for.js';

const LINES = 6000;

/** Every line multilog kept in ./main (current and rotated files), oldest first, without its TAI64N stamp. */
function loggedLines(mainDir: string): string[] {
  if (!existsSync(mainDir)) return [];
  const files = readdirSync(mainDir).filter((name) => name.startsWith('@')).sort();
  if (existsSync(join(mainDir, 'current'))) files.push('current');
  return files
    .flatMap((name) => readFileSync(join(mainDir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => line.replace(/^@[0-9a-f]{24} /, ''));
}

function lastNumber(lines: readonly string[]): number {
  return lines.length === 0 ? 0 : Number(lines[lines.length - 1].replace('line ', ''));
}

describe('supervise-scan log services', () => {
  it('passes every line once and in order to multilog across restarts of the service and of the logger', async () => {
    const scanDir = join(makeTempDir(), 'service');
    const app = join(scanDir, 'counter', 'app');
    writeScript(join(scanDir, 'counter', 'run'), 'exec ./app');
    writeScript(app, `exec node ${join(FIXTURES, 'counting-lines.mjs')} ${LINES}`);
    writeScript(join(scanDir, 'counter', 'log', 'run'), 'exec multilog t s100000 ./main');
    const scan = startScan(scanDir);
    const service = join(scanDir, 'counter', 'supervise');
    const logger = join(scanDir, 'counter', 'log', 'supervise');
    const mainDir = join(scanDir, 'counter', 'log', 'main');
    await waitForServicePid(service);
    await waitForServicePid(logger);

    // Alternately: TERM the service (t), then the logger, each time once more lines went through.
    for (let round = 0; round < 6; round += 1) {
      const seen = lastNumber(loggedLines(mainDir));
      await waitFor(() => lastNumber(loggedLines(mainDir)) > seen + 100 || lastNumber(loggedLines(mainDir)) === LINES, {
        what: `more lines than ${seen} in ${mainDir}`,
        timeoutMs: 20_000,
      });
      const target = round % 2 === 0 ? service : logger;
      const before = readStatus(target).pid;
      writeControl(target, 't');
      await waitForServicePid(target, before, 15_000);
    }
    await waitFor(() => lastNumber(loggedLines(mainDir)) === LINES, { what: `line ${LINES} in ${mainDir}`, timeoutMs: 60_000 });

    const expected = Array.from({ length: LINES }, (_, index) => `line ${index + 1}`);
    expect(loggedLines(mainDir)).toEqual(expected);
    // Only through the pipe: nothing of stdout went to __stdout.
    expect(readFileSync(join(service, '__stdout'), 'utf8')).toBe('');
    const fuser = await runCommand('fuser', [join(service, 'lock'), join(logger, 'lock')]);
    expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([scan.pid, scan.pid]);

    // SIGTERM: the service first, then the logger, which reads to the end and exits by itself.
    const loggerPid = readStatus(logger).pid;
    process.kill(scan.pid, 'SIGTERM');
    expect(await scan.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(loggerPid)).toBe(false);
    expect(loggedLines(mainDir)).toEqual(expected);
  }, 120_000);

  it('keeps what the service wrote while its logger was down, and the logger gets it on its next start', async () => {
    const scanDir = join(makeTempDir(), 'service');
    writeScript(join(scanDir, 'talker', 'run'), 'for i in 1 2 3; do echo "before $i"; done; exec sleep 100000');
    writeScript(join(scanDir, 'talker', 'log', 'run'), 'exec cat >> ./got');
    startScan(scanDir);
    const logger = join(scanDir, 'talker', 'log', 'supervise');
    const got = join(scanDir, 'talker', 'log', 'got');
    await waitFor(() => existsSync(got) && readFileSync(got, 'utf8') === 'before 1\nbefore 2\nbefore 3\n', { what: `three lines in ${got}` });

    // The logger down (d), the service writes on: its lines wait in the pipe.
    const loggerPid = readStatus(logger).pid;
    writeControl(logger, 'd');
    await waitFor(() => !isAlive(loggerPid) && readStatus(logger).pid === 0, { what: 'the logger down' });
    const service = join(scanDir, 'talker', 'supervise');
    const servicePid = readStatus(service).pid;
    writeControl(service, 't');
    await waitForServicePid(service, servicePid);
    await waitFor(() => readFileSync(join(scanDir, 'talker', 'supervise', 'supervise.log'), 'utf8').match(/service talker started, pid/g)?.length === 2, {
      what: 'a second start of the service',
    });
    expect(readFileSync(got, 'utf8')).toBe('before 1\nbefore 2\nbefore 3\n');
    writeControl(logger, 'u');
    await waitFor(() => readFileSync(got, 'utf8') === 'before 1\nbefore 2\nbefore 3\n'.repeat(2), { what: `the lines written while the logger was down in ${got}` });
  });
});
