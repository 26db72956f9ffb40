// `--listen ADDR:PORT` of `supervisectl serve` (SPEC section 14) -> host and
// port. Pure: whether the address can be bound is for the listen to say.
import { isIP } from 'node:net';

export interface ListenAddress {
  /** An IP literal, without brackets for IPv6. */
  readonly host: string;
  /** 0 asks the kernel for a free port (tests). */
  readonly port: number;
}

/** Nothing beyond this host unless `--listen` says otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:9001';

/**
 * `127.0.0.1:9001`, `0.0.0.0:80`, `[::1]:9001`. Host names are refused: a
 * name that resolves to more than one address would make "where does it
 * listen" a question for DNS.
 */
export function parseListenAddress(text: string): ListenAddress | string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const expected = 'expected ADDR:PORT with an IP address, e.g. 127.0.0.1:9001 or [::1]:9001';
  if (match === null) return `--listen ${JSON.stringify(text)}: ${expected}`;
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  const family = isIP(host);
  if (family === 0 || (match[1] !== undefined && family !== 6)) return `--listen ${JSON.stringify(text)}: ${expected}`;
  if (port > 65535) return `--listen ${JSON.stringify(text)}: port ${port} is above 65535`;
  return { host, port };
}

/** How the address is written in a URL: IPv6 in brackets. */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** 127.0.0.0/8 and ::1: a browser elsewhere cannot reach the server except through this host. */
export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\./.test(host) || /^::ffff:127\./i.test(host);
}
