// The service's fd 1 and 2 are __stdout and __stderr themselves: supervise copies nothing.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, startSupervised, waitForServicePid } from '../../helpers/supervise-process.js';

describe('__stdout and __stderr', () => {
  it('are the service own descriptors, appended across restarts', async () => {
    const { dir, servicePid } = await startSupervised([join(FIXTURES, 'print.sh')]);
    expect(readlinkSync(`/proc/${servicePid}/fd/1`)).toBe(join(dir, '__stdout'));
    expect(readlinkSync(`/proc/${servicePid}/fd/2`)).toBe(join(dir, '__stderr'));
    await waitFor(() => readFileSync(join(dir, '__stdout'), 'utf8').includes(`stdout from ${servicePid}`) || undefined, {
      what: 'the first line in __stdout',
    });
    process.kill(servicePid, 'SIGKILL');
    const second = await waitForServicePid(dir, servicePid);
    await waitFor(() => readFileSync(join(dir, '__stderr'), 'utf8').includes(`stderr from ${second}`) || undefined, {
      what: 'the second line in __stderr',
    });
    expect(readFileSync(join(dir, '__stdout'), 'utf8')).toBe(`stdout from ${servicePid}\nstdout from ${second}\n`);
    expect(readFileSync(join(dir, '__stderr'), 'utf8')).toBe(`stderr from ${servicePid}\nstderr from ${second}\n`);
  });
});
