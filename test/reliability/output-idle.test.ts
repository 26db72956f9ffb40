// A silent service in piped mode costs supervise no wake-up (SPEC section 12,
// issue 10 point 4), counted as `npm run bench` counts idle wake-ups: context
// switches of every thread of the daemon, over 20 s after a settling time
// (V8's memory reducer and a few GCs run once, some 8-10 s after start-up).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { FOREVER, startSupervised } from '../helpers/supervise-process.js';

const SETTLE_MS = 15_000;
const IDLE_MS = 20_000;

/** Voluntary and involuntary context switches of every thread of `pid`: each wake-up counts at least one. */
function contextSwitches(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'latin1');
    for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(match[1]);
  }
  return total;
}

describe('piped output of a silent service', () => {
  it('costs the daemon no context switch in 20 idle seconds', { timeout: 60_000 }, async () => {
    const config = join(makeTempDir(), 'supervise.conf');
    writeFileSync(config, '[global]\noutput_max_bytes : 1M\noutput_timestamps : 1\n');
    const { daemonPid } = await startSupervised([FOREVER], { args: ['-F', config] });
    // A fixed wait is the measurement itself here, not a hope that something happened.
    await sleep(SETTLE_MS);
    const before = contextSwitches(daemonPid);
    await sleep(IDLE_MS);
    expect(contextSwitches(daemonPid) - before).toBe(0);
  });
});
