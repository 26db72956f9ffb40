// Who may do what on `supervisectl serve` (SPEC section 14), decided from the
// request's headers alone. Pure but for hashing; the server carries it out.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { isLoopback } from './listen-address.js';

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

function headerOf(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Constant time whatever the lengths: both sides are hashed first, so the
 * comparison neither stops at the first differing byte nor at a length check.
 */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer TOKEN`, or null. */
export function bearerTokenOf(headers: Headers): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(headerOf(headers, 'authorization') ?? '');
  return match === null ? null : match[1];
}

/** The host name of a Host header, without port or IPv6 brackets. */
function hostNameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed !== null) return bracketed[1];
  return host.replace(/:\d+$/, '');
}

/**
 * A server on a loopback address answers only to a loopback Host: a page of
 * another site whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends
 * its own name, and would otherwise read the API as if same-origin.
 */
export function isHostAllowed(headers: Headers, listenHost: string): boolean {
  if (!isLoopback(listenHost)) return true;
  const host = headerOf(headers, 'host');
  if (host === undefined) return false;
  const name = hostNameOf(host).toLowerCase();
  return name === 'localhost' || (isIP(name) !== 0 && isLoopback(name));
}

/**
 * A POST from another site's page: browsers send Origin with every POST and
 * Sec-Fetch-Site with every request, and a page cannot forge either. A client
 * that sends neither (curl, a script) is not a browser page, and the token
 * alone decides for it.
 */
export function isCrossOrigin(headers: Headers): boolean {
  const site = headerOf(headers, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = headerOf(headers, 'origin');
  if (origin === undefined) return false;
  const host = headerOf(headers, 'host');
  // `Origin: null` (a sandboxed frame, a file: page) is never us.
  return host === undefined || origin !== `http://${host}`;
}
