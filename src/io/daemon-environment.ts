// The environment of supervise's own Node processes, and the caller's, which
// the service must get unchanged (SPEC section 2).
//
// - NODE_EXTRA_CA_CERTS makes every Node process read its CA bundle while it
//   starts (about 50 ms for Debian's 200 KB bundle); supervise needs those CAs
//   only to send mail over TLS, so its Node starts without it (bin/supervise
//   parks it as SUPERVISE_NODE_EXTRA_CA_CERTS) and send-mail hands the CAs to
//   TLS itself.
// - The daemon spends its life waiting: one malloc arena and one libuv worker
//   thread are plenty, and each one it does not make is memory it does not keep.
//
// The daemon puts the caller's values back first thing, so the service, hooks
// and gsm commands see exactly what the caller had.
import { readFileSync } from 'node:fs';

export const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';
export const PARKED_EXTRA_CA_CERTS = 'SUPERVISE_NODE_EXTRA_CA_CERTS';
/** JSON of the caller's values (null: unset) of what the daemon's environment changed. */
export const CALLER_VALUES = 'SUPERVISE_CALLER_ENV';

const DAEMON_TUNING: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1', UV_THREADPOOL_SIZE: '1' };

/** The environment to start the daemon's Node with. */
export function daemonEnvironment(caller: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...caller };
  const callerValues: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(DAEMON_TUNING)) {
    callerValues[name] = caller[name] ?? null;
    env[name] = value;
  }
  if (caller[EXTRA_CA_CERTS] !== undefined) {
    callerValues[EXTRA_CA_CERTS] = caller[EXTRA_CA_CERTS];
    delete env[EXTRA_CA_CERTS];
  }
  env[CALLER_VALUES] = JSON.stringify(callerValues);
  return env;
}

/** Puts back what the caller had, for every child from now on. */
export function restoreCallerEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const parked = env[PARKED_EXTRA_CA_CERTS];
  if (parked !== undefined) {
    env[EXTRA_CA_CERTS] = parked;
    delete env[PARKED_EXTRA_CA_CERTS];
  }
  const text = env[CALLER_VALUES];
  if (text === undefined) return;
  delete env[CALLER_VALUES];
  let values: Record<string, string | null>;
  try {
    values = JSON.parse(text) as Record<string, string | null>;
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(values)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
}

/** The extra CAs the caller asked Node to trust, for a TLS connection; null when none or unreadable. */
export function readExtraCaCerts(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env[EXTRA_CA_CERTS] ?? env[PARKED_EXTRA_CA_CERTS];
  if (!path) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
