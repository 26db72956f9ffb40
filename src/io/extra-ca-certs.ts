// NODE_EXTRA_CA_CERTS: the file of CAs that the caller asks Node to trust
// beside its own. This module is the one place supervise handles it; the
// other places only call here, or (the shell) point here.
//
// - Node reads that file whenever it starts (about 50 ms for Debian's 200 KB
//   bundle), while supervise needs the CAs only to send mail over TLS. So
//   bin/node-start.sh parks the variable as PARKED_EXTRA_CA_CERTS before our
//   Node starts: it must be the shell, since Node reads it before any of our
//   code runs.
// - The service must get the caller's environment unchanged (SPEC section 2):
//   src/io/daemon-environment.ts puts the variable back under its own name,
//   by the names below, before the daemon starts anything.
// - Mail over TLS trusts the CAs through trustedCas(), as Node would have.
import { readFileSync } from 'node:fs';

export const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';
/** The name bin/node-start.sh keeps the caller's value under while our Node runs. */
export const PARKED_EXTRA_CA_CERTS = 'SUPERVISE_NODE_EXTRA_CA_CERTS';

/** The CA file the caller named, parked or already given back; null when none. */
export function extraCaCertsPath(env: NodeJS.ProcessEnv = process.env): string | null {
  return env[EXTRA_CA_CERTS] || env[PARKED_EXTRA_CA_CERTS] || null;
}

/**
 * The CAs a TLS connection of supervise trusts: Node's own and the caller's
 * extra ones, as NODE_EXTRA_CA_CERTS gives any Node. null when there are no
 * extra ones (Node's defaults apply), or the file cannot be read: Node itself
 * then goes on with its own CAs.
 */
export async function trustedCas(env: NodeJS.ProcessEnv = process.env): Promise<string[] | null> {
  const path = extraCaCertsPath(env);
  if (path === null) return null;
  let extra: string;
  try {
    extra = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // node:tls loads here, at the first mail over TLS, not when the daemon starts.
  const { rootCertificates } = await import('node:tls');
  return [...rootCertificates, extra];
}
