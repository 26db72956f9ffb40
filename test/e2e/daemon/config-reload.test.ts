// SPEC sections 4 and 7: `r` reloads supervise.conf; a broken file keeps the old values.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, readLog, readStatusJson, startSupervised, writeControl } from '../../helpers/supervise-process.js';

describe('reloading the config', () => {
  it('logs the values on start, applies a good file on r and keeps them on a broken one', async () => {
    const conf = join(makeTempDir(), 'supervise.conf');
    writeFileSync(conf, '[global]\nalarm_interval : 120\nmax_tries : 4\n');
    const { dir } = await startSupervised([join(FIXTURES, 'forever.sh')], { args: ['-F', conf] });
    expect(readLog(dir)).toMatch(/config .*supervise\.conf: alarm_interval = 120 .*max_tries = 4/);
    expect(readStatusJson(dir).limits).toMatchObject({ alarmInterval: 120, maxTries: 4 });

    writeFileSync(conf, '[global]\nalarm_interval : 120\nmax_tries : 7\n\n[svc]\nstop_timeout : 3\n');
    writeControl(dir, 'r');
    await waitFor(() => readStatusJson(dir).limits.maxTries === 7 || undefined, { what: 'max_tries 7 in force' });
    expect(readStatusJson(dir).limits.stopTimeout).toBe(3);
    expect(readLog(dir)).toMatch(/config .*reloaded: .*max_tries = 7/);

    writeFileSync(conf, '[global]\nmax_tries : 9\nthis line is broken\n');
    writeControl(dir, 'r');
    await waitFor(() => /not reloaded: keeping the values in force/.test(readLog(dir, 'supervise.log.wf')) || undefined, {
      what: 'the broken file refused',
    });
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/unable to parse .*supervise\.conf line 3/);
    expect(readStatusJson(dir).limits).toMatchObject({ alarmInterval: 120, maxTries: 7, stopTimeout: 3 });
  });

  // Issue 9: start-up used this file but called line 5 "unable to parse", and
  // `r` then refused it, so a changed interval never took effect.
  it('reloads a file whose [web] max_tries 0 only overrides nothing, with a WARNING that says so', async () => {
    const conf = join(makeTempDir(), 'supervise.conf');
    const configWith = (interval: number) => `[global]\nalarm_interval : ${interval}\nmax_tries : 5\n[web]\nmax_tries : 0\n`;
    const note = `${conf} line 5: max_tries 0 in [web] does not override [global]'s 5`;
    const notesIn = (log: string) => log.split('\n').filter((line) => line.startsWith('[WARNING] ') && line.includes(note)).length;
    writeFileSync(conf, configWith(60));
    const { dir } = await startSupervised([join(FIXTURES, 'forever.sh')], { dir: join(makeTempDir(), 'status', 'web'), args: ['-F', conf] });
    const atStart = await waitForLog(dir, note, 'supervise.log.wf');
    expect(notesIn(atStart)).toBe(1);
    expect(atStart).not.toContain('unable to parse');
    expect(readStatusJson(dir).limits).toMatchObject({ alarmInterval: 60, maxTries: 5 });

    writeFileSync(conf, configWith(120));
    writeControl(dir, 'r');
    await waitForLog(dir, `config ${conf} reloaded: alarm_interval = 120 (from [global]), max_tries = 5 (from [global])`);
    await waitFor(() => readStatusJson(dir).limits.alarmInterval === 120 || undefined, { what: 'alarm_interval 120 in status.json' });
    expect(readStatusJson(dir).limits).toMatchObject({ alarmInterval: 120, maxTries: 5 });
    // The reload warns about the line again, as a WARNING and nothing more.
    const afterReload = await waitFor(() => notesIn(readLog(dir, 'supervise.log.wf')) === 2 || undefined, { what: 'the note logged again on r' }).then(() =>
      readLog(dir, 'supervise.log.wf'),
    );
    expect(afterReload).not.toContain('unable to parse');
    expect(afterReload).not.toContain('not reloaded');
  });
});
