// supervise's own resource limits, and the soft limit of open files it was
// started with: Node raises its soft limit to the hard one before any of our
// code runs, so bin/node-start.sh notes the caller's in CALLER_NOFILE first.
import { readFileSync } from 'node:fs';
import type { ResourceLimit } from '../config/module-config.js';

/** Set by bin/node-start.sh for supervise (`ulimit -Sn` before Node starts); never passed on. */
export const CALLER_NOFILE = 'SUPERVISE_CALLER_NOFILE';

export interface SoftAndHard {
  soft: ResourceLimit;
  hard: ResourceLimit;
}

/** RLIMIT_NOFILE of this process, from /proc/self/limits. */
export function readOwnNofile(): SoftAndHard {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((row) => row.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').slice('Max open files'.length).trim().split(/\s+/);
  return { soft: parseLimit(soft), hard: parseLimit(hard) };
}

/** The caller's soft limit of open files, taken out of `env` so the service and hooks do not see it. */
export function takeCallerNofile(env: NodeJS.ProcessEnv = process.env): ResourceLimit | null {
  const text = env[CALLER_NOFILE];
  delete env[CALLER_NOFILE];
  if (text === undefined || !/^(?:\d+|unlimited)$/.test(text)) return null;
  return parseLimit(text);
}

function parseLimit(text: string | undefined): ResourceLimit {
  return text === undefined || text === 'unlimited' ? 'unlimited' : Number(text);
}
