// A real Prometheus (Debian package prometheus) scrapes `supervisectl
// serve`'s /metrics, and its query API shows the series (SPEC section 14).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startServe } from '../../helpers/serve-process.js';
import { FOREVER, readStatus, startSupervised, writeControl } from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A port free on 127.0.0.1 a moment ago: Prometheus cannot be asked for port 0 and tell us which it got. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

describe('supervisectl serve and a real Prometheus', { timeout: 120_000 }, () => {
  it('Prometheus scrapes /metrics and its API shows supervise_service_up per module', async () => {
    const root = makeTempDir();
    const redis = await startSupervised([FOREVER], { dir: join(root, 'status', 'redis') });
    const batch = await startSupervised([FOREVER], { dir: join(root, 'status', 'batch') });
    writeControl(batch.dir, 'd');
    await waitFor(() => readStatus(batch.dir).pid === 0, { what: 'batch down' });
    const serve = await startServe([redis.dir, batch.dir]);

    const config = join(root, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: supervise',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${serve.port}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const prometheus = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(root, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    let exited = false;
    prometheus.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
    const closed = new Promise((resolve) => prometheus.on('close', resolve));
    prometheus.on('close', () => (exited = true));
    // Not installed: fail with the reason, never skip (CI installs it).
    prometheus.on('error', (error) => (log += String(error)));
    onTestFinished(async () => {
      if (exited) return;
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    });

    const query = encodeURIComponent('supervise_service_up{job="supervise"}');
    const results = await waitFor(
      async () => {
        if (exited) throw new Error(`prometheus exited: ${log}`);
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${query}`);
        const body = (await response.json()) as { data: { result: QueryResult[] } };
        return body.data.result.length === 2 ? body.data.result : undefined;
      },
      { what: `two supervise_service_up series in prometheus; its log: ${log}`, timeoutMs: 60_000, intervalMs: 250 },
    );
    const byModule = Object.fromEntries(results.map((result) => [result.metric.module, result]));
    expect(byModule.redis.metric).toMatchObject({ dir: redis.dir, instance: `127.0.0.1:${serve.port}`, job: 'supervise' });
    expect(byModule.redis.value[1]).toBe('1');
    expect(byModule.batch.value[1]).toBe('0');

    // The scrape itself succeeded: Prometheus' own `up` for the target.
    const up = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('up{job="supervise"}')}`);
    expect(((await up.json()) as { data: { result: QueryResult[] } }).data.result[0].value[1]).toBe('1');
  });
});
