// NODE_EXTRA_CA_CERTS makes every Node process read its CA bundle while it
// starts (about 50 ms for Debian's 200 KB bundle): supervise needs those CAs
// only to send mail over TLS. So supervise's own Node processes start with the
// variable parked under another name; the daemon puts it back before starting
// anything, so the service, hooks and gsm commands see the caller's
// environment unchanged, and send-mail hands the CAs to TLS itself.
import { readFileSync } from 'node:fs';

export const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';
export const PARKED_EXTRA_CA_CERTS = 'SUPERVISE_NODE_EXTRA_CA_CERTS';

/** The environment for a Node process of supervise's own: the variable parked. */
export function parkExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[EXTRA_CA_CERTS] === undefined) return env;
  const parked: NodeJS.ProcessEnv = { ...env, [PARKED_EXTRA_CA_CERTS]: env[EXTRA_CA_CERTS] };
  delete parked[EXTRA_CA_CERTS];
  return parked;
}

/** Puts the variable back where the caller had it, for every child from now on. */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const parked = env[PARKED_EXTRA_CA_CERTS];
  if (parked === undefined) return;
  env[EXTRA_CA_CERTS] = parked;
  delete env[PARKED_EXTRA_CA_CERTS];
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
