// `supervisectl serve` at scale (issue 12): {serveServices} supervise daemons
// of ours, one serve over all their status directories, and how long its
// routes take and how much memory it holds. Ours only: no peer has this API.
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf, monoNow, nsToMs, waitFor } from './procs.mjs';

const repoDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const SUPERVISECTL = join(repoDir, 'bin', 'supervisectl');

export const SERVE_ROWS = [
  { id: 'serve-api', metric: 'serve', title: 'serve, {serveServices} services: GET /api/services', unit: 'ms' },
  { id: 'serve-api-tail', metric: 'serve', title: 'serve, {serveServices} services: GET /api/services?tail=5 (what the page polls)', unit: 'ms' },
  { id: 'serve-metrics', metric: 'serve', title: 'serve, {serveServices} services: GET /metrics', unit: 'ms' },
  { id: 'serve-rss', metric: 'serve', title: 'serve, {serveServices} services: RSS of the serve process', unit: 'KiB' },
];

const ROUTES = [
  ['serve-api', '/api/services'],
  ['serve-api-tail', '/api/services?tail=5'],
  ['serve-metrics', '/metrics'],
];

/** One timed GET, the whole body read; fails on anything but 200. */
async function timeGet(url) {
  const startedAt = monoNow();
  const response = await fetch(url);
  const body = await response.text();
  const elapsed = nsToMs(monoNow() - startedAt);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 200)}`);
  return { elapsed, body };
}

async function startServe(deployment) {
  const record = deployment.launch(SUPERVISECTL, ['serve', '--listen', '127.0.0.1:0', ...deployment.statusDirs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  record.child.stdout.on('data', (chunk) => (output += chunk));
  record.child.stderr.on('data', (chunk) => (output += chunk));
  const origin = await waitFor(
    () => {
      if (record.exited) throw new Error(`serve exited: ${output}`);
      return /on (http:\/\/\S+?)\/ /.exec(output)?.[1];
    },
    { what: 'serve to print its URL', timeoutMs: 10_000 },
  );
  return { record, origin };
}

export async function measureServe(ctx) {
  if (!SERVE_ROWS.some((row) => ctx.wants(row.id))) return;
  const rowIds = SERVE_ROWS.map((row) => row.id);
  const ours = ctx.peers.find((peer) => peer.id === 'ours');
  if (!ours) return;
  const count = ctx.plan.serveServices;
  ctx.progress(`serve: starting ${count} supervise daemons`);
  const services = Array.from({ length: count }, (_, i) => ({ name: `s${i}`, mode: 'pause' }));
  const deployment = ctx.newDeployment(ours, 'serve', services);
  let serve;
  try {
    deployment.setup();
    await deployment.start();
    serve = await startServe(deployment);
    ctx.progress(`serve: ${ctx.plan.serveRequests} requests per route over ${count} services`);
    const first = JSON.parse((await timeGet(`${serve.origin}/api/services`)).body);
    if (first.length !== count) throw new Error(`/api/services listed ${first.length} services, expected ${count}`);
    // Warm-up, then the routes in turn, so that a busy moment of the machine spreads over all.
    for (const [, path] of ROUTES) await timeGet(`${serve.origin}${path}`);
    for (let run = 0; run < ctx.plan.serveRequests; run++) {
      for (const [rowId, path] of ROUTES) ctx.record(rowId, 'ours', (await timeGet(`${serve.origin}${path}`)).elapsed);
    }
    ctx.record('serve-rss', 'ours', memoryOf(serve.record.pid).rssKiB);
  } catch (error) {
    ctx.fail(rowIds, 'ours', error);
  } finally {
    if (serve && !serve.record.exited) {
      serve.record.child.kill('SIGTERM');
      await once(serve.record.child, 'exit');
    }
    await deployment.stop().catch((error) => ctx.log(`ours: serve teardown: ${error.message}`));
  }
}
