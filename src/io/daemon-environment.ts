// The environment of supervise's own Node processes, and the caller's, which
// the service must get unchanged (SPEC section 2).
//
// - NODE_EXTRA_CA_CERTS: supervise's Node starts without it (bin/ parks it);
//   src/io/extra-ca-certs.ts says why and owns its names.
// - NODE_OPTIONS could give supervise's Node an inspector (--inspect), which
//   runs whatever code it is sent with supervise's privileges, or flags it was
//   never tested with: bin/ parks it as SUPERVISE_NODE_OPTIONS, and the daemon's
//   Node is started without it whoever started the foreground one.
// - The daemon spends its life waiting: one malloc arena and one libuv worker
//   thread are plenty, and each one it does not make is memory it does not keep.
//
// The daemon puts the caller's values back first thing, so the service, hooks
// and gsm commands see exactly what the caller had.
import { EXTRA_CA_CERTS, PARKED_EXTRA_CA_CERTS } from './extra-ca-certs.js';

export const NODE_OPTIONS = 'NODE_OPTIONS';
export const PARKED_NODE_OPTIONS = 'SUPERVISE_NODE_OPTIONS';
/** What bin/ parks before Node starts, by the name the caller gave it. */
const PARKED: Readonly<Record<string, string>> = { [EXTRA_CA_CERTS]: PARKED_EXTRA_CA_CERTS, [NODE_OPTIONS]: PARKED_NODE_OPTIONS };
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
  for (const name of Object.keys(PARKED)) {
    if (caller[name] === undefined) continue;
    callerValues[name] = caller[name];
    delete env[name];
  }
  env[CALLER_VALUES] = JSON.stringify(callerValues);
  return env;
}

/** Puts back what the caller had, for every child from now on. */
export function restoreCallerEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, parkedName] of Object.entries(PARKED)) {
    const parked = env[parkedName];
    if (parked === undefined) continue;
    env[name] = parked;
    delete env[parkedName];
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
