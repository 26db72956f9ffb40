// SPEC section 2: the daemon keeps the caller's working directory and
// environment, and the service gets them unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startSupervised } from '../../helpers/supervise-process.js';
import { CALLER_VALUES, PARKED_NODE_OPTIONS } from '../../../src/io/daemon-environment.js';
import { PARKED_EXTRA_CA_CERTS } from '../../../src/io/extra-ca-certs.js';
import { CALLER_NOFILE } from '../../../src/io/process-limits.js';

/** The variables supervise itself adds to hand things from bin/ to the daemon: none may reach the service. */
const HAND_OFF_VARIABLES = [CALLER_VALUES, PARKED_EXTRA_CA_CERTS, PARKED_NODE_OPTIONS, CALLER_NOFILE];

describe('the service environment', () => {
  it('is the caller own, NODE_EXTRA_CA_CERTS included, in the caller working directory', async () => {
    const cwd = makeTempDir();
    // A SUPERVISE_ variable of the caller's own (the suite's knobs, say) is the caller's like any other.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MY_SETTING: 'a b $c',
      NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem',
      UV_THREADPOOL_SIZE: '8',
      SUPERVISE_SOME_KNOB: 'kept',
    };
    delete env.MALLOC_ARENA_MAX;
    await startSupervised(['sh', '-c', 'env > env.txt; pwd > pwd.txt; exec sleep infinity'], { cwd, env });
    await waitFor(() => existsSync(join(cwd, 'pwd.txt')) || undefined, { what: 'the service files' });
    const seen = readFileSync(join(cwd, 'env.txt'), 'utf8').split('\n');
    expect(seen).toContain('MY_SETTING=a b $c');
    expect(seen).toContain('NODE_EXTRA_CA_CERTS=/nonexistent/ca.pem');
    expect(seen).toContain('SUPERVISE_SOME_KNOB=kept');
    for (const name of HAND_OFF_VARIABLES) expect(seen.filter((line) => line.startsWith(`${name}=`))).toEqual([]);
    // The daemon's own tuning never reaches the service.
    expect(seen).toContain('UV_THREADPOOL_SIZE=8');
    expect(seen.filter((line) => line.startsWith('MALLOC_ARENA_MAX='))).toEqual([]);
    expect(readFileSync(join(cwd, 'pwd.txt'), 'utf8').trim()).toBe(cwd);
  });
});
