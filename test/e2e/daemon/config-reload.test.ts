// SPEC sections 4 and 7: `r` reloads supervise.conf; a broken file keeps the old values.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
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
});
