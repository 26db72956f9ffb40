// The routes of `supervisectl serve` (SPEC section 14) over node:http: the
// page, the JSON API, POSTed verbs and /metrics. Every request reads the
// status directories afresh and POSTs write control bytes as the CLI does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodePrometheusMetrics } from '../codec/prometheus-metrics.js';
import { describeCause } from '../core/supervise-error.js';
import type { CtlContext } from '../ctl/ctl-context.js';
import { runControl } from '../ctl/run-control.js';
import { listServices, type ServedDir, type ServedService } from './list-services.js';
import { PAGE_SCRIPT, PAGE_STYLE, renderPage } from './page-assets.js';
import { readMetricsSource, readOutputTail, readStatusObject } from './read-service-views.js';
import { bearerTokenOf, isCrossOrigin, isHostAllowed, tokensMatch } from './request-guard.js';
import { controlRequestOf, httpStatusOf, parseVerbPath, parseWaitSeconds } from './serve-verbs.js';

export interface ServeSettings {
  readonly dirs: readonly ServedDir[];
  /** The address the server listens on, for the Host check. */
  readonly listenHost: string;
  /** null: no --token-file, the page is read-only and every POST is refused. */
  readonly token: string | null;
  /** serve's own stderr, for what goes wrong while reading a directory. */
  readonly complain: (message: string) => void;
}

/** The most lines of output per stream one request may ask for. */
const MAX_TAIL_LINES = 100;

/**
 * No inline script or style, nothing from elsewhere, no framing: should a
 * module name or a log line ever slip into the page as markup, the browser
 * still runs nothing.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`, headers);
}

function sendError(response: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error }, headers);
}

function tailLinesOf(query: URLSearchParams): number {
  const value = Number(query.get('tail') ?? '0');
  return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_TAIL_LINES) : 0;
}

function serveServices(settings: ServeSettings, query: URLSearchParams, response: ServerResponse): void {
  const lines = tailLinesOf(query);
  const objects = [];
  for (const service of listServices(settings.dirs)) {
    const object = readStatusObject(service, settings.complain);
    if (object === null) continue;
    if (lines > 0) {
      object.tail = { stdout: readOutputTail(service.dir, 'stdout', lines), stderr: readOutputTail(service.dir, 'stderr', lines) };
    }
    objects.push(object);
  }
  sendJson(response, 200, objects);
}

function serveMetrics(settings: ServeSettings, response: ServerResponse): void {
  const sources = [];
  for (const service of listServices(settings.dirs)) {
    try {
      sources.push(readMetricsSource(service));
    } catch (error) {
      settings.complain(describeCause(error));
    }
  }
  send(response, 200, 'text/plain; version=0.0.4; charset=utf-8', encodePrometheusMetrics(sources));
}

function serveGet(settings: ServeSettings, url: URL, response: ServerResponse): void {
  switch (url.pathname) {
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', renderPage(settings.token !== null));
    case '/page.js':
      return send(response, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT);
    case '/page.css':
      return send(response, 200, 'text/css; charset=utf-8', PAGE_STYLE);
    case '/api/services':
      return serveServices(settings, url.searchParams, response);
    case '/metrics':
      return serveMetrics(settings, response);
    default:
      if (url.pathname.startsWith('/api/services/')) return sendError(response, 405, 'verbs take POST', { Allow: 'POST' });
      return sendError(response, 404, `no such page: ${url.pathname}`);
  }
}

function findService(settings: ServeSettings, module: string): ServedService | string {
  const matches = listServices(settings.dirs).filter((service) => service.module === module);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) return `no service named ${JSON.stringify(module)} among the served directories`;
  return `${matches.length} services are named ${JSON.stringify(module)}: ${matches.map((service) => service.dir).join(', ')}`;
}

async function servePost(settings: ServeSettings, request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
  const target = parseVerbPath(url.pathname);
  if (target === null) return sendError(response, 404, `no such verb path: ${url.pathname}`);
  // Read-only is a property of the whole server, not of this caller: 405, not 403.
  if (settings.token === null) {
    return sendError(response, 405, 'read-only: serve was started without --token-file', { Allow: 'GET, HEAD' });
  }
  if (isCrossOrigin(request.headers)) return sendError(response, 403, 'refused: the request comes from another origin');
  const given = bearerTokenOf(request.headers);
  if (given === null || !tokensMatch(given, settings.token)) {
    return sendError(response, 401, 'a valid token is needed: Authorization: Bearer TOKEN', {
      'WWW-Authenticate': 'Bearer realm="supervise"',
    });
  }
  const wait = parseWaitSeconds(url.searchParams.get('wait'));
  if (typeof wait === 'string') return sendError(response, 400, wait);
  const control = controlRequestOf(target.verb, wait);
  if (control === null) return sendError(response, 404, `no verb ${JSON.stringify(target.verb)}`);
  const service = findService(settings, target.module);
  if (typeof service === 'string') return sendError(response, service.startsWith('no service') ? 404 : 409, service);

  const messages: string[] = [];
  const context: CtlContext = {
    writeOut: () => {},
    writeErr: (text) => messages.push(text.trimEnd()),
    complain: (message) => messages.push(message),
    now: Date.now,
    signal: new AbortController().signal,
  };
  const [outcome] = await runControl([service.dir], control, context);
  const status = httpStatusOf(outcome);
  const body = { module: service.module, statusDir: service.dir, verb: target.verb, ok: outcome.ok };
  sendJson(response, status, messages.length === 0 ? body : { ...body, error: messages.join('; ') });
}

/** The request handler for node:http's createServer. */
export function createServeHandler(settings: ServeSettings): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    // Bodies are never read: a verb is its path.
    request.resume();
    if (!isHostAllowed(request.headers, settings.listenHost)) {
      return sendError(response, 403, `refused: Host ${JSON.stringify(request.headers.host ?? '')} is not this server`);
    }
    const url = new URL(request.url ?? '/', 'http://serve.invalid');
    const done = (error: unknown) => {
      settings.complain(`unable to answer ${request.method} ${url.pathname}: ${describeCause(error)}`);
      if (!response.headersSent) sendError(response, 500, describeCause(error));
      else response.destroy();
    };
    try {
      if (request.method === 'GET' || request.method === 'HEAD') return serveGet(settings, url, response);
      if (request.method === 'POST') return void servePost(settings, request, url, response).catch(done);
      sendError(response, 405, `method ${request.method} not allowed`, { Allow: 'GET, HEAD, POST' });
    } catch (error) {
      done(error);
    }
  };
}
