// POSTs alerts to Alertmanager (SPEC section 14) with Node's fetch, bounded
// like mail: the whole request, answer included, gives up after timeoutMs.
// Errors carry only the reason; the caller names the (masked) URL.
import { alertsUrlOf, type AlertmanagerAlert } from './alertmanager-alert.js';

export async function sendAlertmanager(base: string, alerts: readonly AlertmanagerAlert[], timeoutMs = 30_000): Promise<void> {
  const { url, authorization } = splitCredentials(alertsUrlOf(base));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(alerts), signal, redirect: 'error' });
  } catch (error) {
    throw new Error(describeFetchError(error, timeoutMs), { cause: error });
  }
  // Read within the same bound; only its start is shown.
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const detail = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    throw new Error(`HTTP ${response.status}${detail === '' ? '' : ` ${detail}`}`);
  }
}

/** fetch refuses a URL with user:password in it; Alertmanager behind basic auth gets them as a header instead. */
function splitCredentials(href: string): { url: string; authorization: string | null } {
  const url = new URL(href);
  if (url.username === '' && url.password === '') return { url: href, authorization: null };
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms (timed out)`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code !== undefined) return cause.message ? `${cause.message}` : cause.code;
  return error instanceof Error ? error.message : String(error);
}
