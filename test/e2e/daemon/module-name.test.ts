// Issue 16, defect 11: however the status directory is spelled, the module
// name is the one of its plain form, so its supervise.conf section applies.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readLog, readStatusJson, runSupervise } from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('the module name of a status directory spelled with extra slashes and dots', () => {
  it.each([
    ['status//redis', (_cwd: string) => 'status//redis'],
    ['./status/./redis', (_cwd: string) => './status/./redis'],
    ['$PWD/status/redis/.', (cwd: string) => `${cwd}/status/redis/.`],
  ])('-p %s is module redis and gets the [redis] section', async (_spelling, spell) => {
    const cwd = makeTempDir();
    writeFileSync(join(cwd, 'supervise.conf'), '[redis]\nalarm_interval : 60\nmax_tries : 5\nstop_timeout : 2\n');
    const statusDir = spell(cwd);
    const result = await runSupervise(['-p', statusDir, '-f', join(FIXTURES, 'forever.sh')], { cwd, statusDir });
    expect(result).toMatchObject({ code: 0, stderr: '' });

    const dir = join(cwd, 'status/redis');
    const json = readStatusJson(dir);
    expect(json.module).toBe('redis');
    expect(json.limits).toMatchObject({ alarmInterval: 60, maxTries: 5, stopTimeout: 2 });
    expect(readLog(dir)).toContain('supervise redis started');
    expect(readLog(dir, 'supervise.log.wf')).not.toMatch(/no \[global\] and no \[/);
  });
});
