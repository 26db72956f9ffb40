// The page of `supervisectl serve` in Debian's real headless Chromium
// (chromium, chromium-driver), against real supervise daemons.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startServe, writeTokenFile, type ServeProcess } from '../../helpers/serve-process.js';
import { FOREVER, REPO_ROOT, readStatus, readStatusJson, startSupervised, writeControl } from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startBrowser, type Browser } from '../../helpers/webdriver.js';

/** `UPDATE_SCREENSHOT=1 npx vitest run test/e2e/serve/serve-page.test.ts` refreshes the README's picture. */
const README_SCREENSHOT = join(REPO_ROOT, 'docs', 'serve-page.png');

interface Row {
  module: string;
  state: string;
  pid: string;
  buttons: number;
  stdout: string;
  stderr: string;
}

/** The table as the user sees it. */
function readRows(browser: Browser): Promise<Row[]> {
  return browser.execute<Row[]>(`
    return [...document.querySelectorAll('#services tr')].map((row) => ({
      module: row.querySelector('td.module').textContent,
      state: row.querySelector('td.state').textContent,
      pid: row.querySelector('td.pid').textContent,
      buttons: row.querySelectorAll('button').length,
      stdout: row.querySelector('pre.stdout').textContent,
      stderr: row.querySelector('pre.stderr').textContent,
    }));`);
}

function waitForRows(browser: Browser, what: string, accept: (rows: Row[]) => boolean): Promise<Row[]> {
  return waitFor(
    async () => {
      const rows = await readRows(browser);
      if (accept(rows)) return rows;
      // Thrown, so that a timeout shows the table last seen.
      throw new Error(`rows: ${JSON.stringify(rows)}`);
    },
    { what, timeoutMs: 15_000 },
  );
}

async function unlock(browser: Browser, token: string): Promise<void> {
  await browser.type(await browser.find('#token'), token);
  await browser.click(await browser.find('#token-form button'));
  await waitFor(() => browser.execute<boolean>("return !document.getElementById('unlocked').hidden"), { what: 'the page unlocked' });
}

async function openPage(serve: ServeProcess, size?: { width: number; height: number }): Promise<Browser> {
  const browser = await startBrowser(size);
  await browser.navigate(`${serve.origin}/`);
  return browser;
}

describe('supervisectl serve: the page in Chromium', { timeout: 120_000 }, () => {
  it('shows one row per service (the README screenshot)', async () => {
    const root = makeTempDir();
    const status = (name: string) => join(root, 'status', name);
    const redis = await startSupervised(['/bin/sh', '-c', 'echo "Ready to accept connections tcp"; exec sleep 100000'], { dir: status('redis') });
    const nginx = await startSupervised([FOREVER], { dir: status('nginx') });
    const worker = await startSupervised(['/bin/sh', '-c', 'echo "worker: lost connection to queue" >&2; exit 3'], { dir: status('worker') });
    const batch = await startSupervised([FOREVER], { dir: status('batch') });
    const cron = await startSupervised([FOREVER], { dir: status('cron') });
    writeControl(batch.dir, 'd');
    writeControl(cron.dir, 'p');
    writeControl(nginx.dir, 's');
    const { path, token } = writeTokenFile(root);
    const serve = await startServe(['--token-file', path, redis.dir, nginx.dir, worker.dir, batch.dir, cron.dir]);
    const browser = await openPage(serve, { width: 1400, height: 470 });
    await unlock(browser, token);

    const rows = await waitForRows(
      browser,
      'five rows, batch down, cron paused, the worker restarted',
      (seen) =>
        seen.length === 5 &&
        seen[3].state === 'down' &&
        seen[4].state === 'paused' &&
        readStatusJson(worker.dir).starts >= 2 &&
        seen[2].stderr.includes('lost connection'),
    );
    expect(rows.map((row) => row.module)).toEqual(['redis', 'nginx', 'worker', 'batch', 'cron']);
    expect(rows[0]).toMatchObject({ state: 'up', pid: String(redis.servicePid), buttons: 4 });
    expect(rows[0].stdout).toBe('Ready to accept connections tcp\n');

    const png = await browser.screenshot();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    writeFileSync(process.env.UPDATE_SCREENSHOT === '1' ? README_SCREENSHOT : join(root, 'page.png'), png);
  });

  it('clicking stop turns the row down without reloading the page', async () => {
    const root = makeTempDir();
    const redis = await startSupervised([FOREVER], { dir: join(root, 'status', 'redis') });
    const other = await startSupervised([FOREVER], { dir: join(root, 'status', 'other') });
    const { path, token } = writeTokenFile(root);
    const serve = await startServe(['--token-file', path, redis.dir, other.dir]);
    const browser = await openPage(serve);
    await waitForRows(browser, 'two rows up', (rows) => rows.length === 2 && rows.every((row) => row.state === 'up'));
    await unlock(browser, token);
    // A reload would start a fresh window object without this.
    await browser.execute('window.stillTheSamePage = true;');

    await browser.click(await browser.find('#services tr:first-child button.stop'));
    const rows = await waitForRows(browser, 'the redis row down', (seen) => seen[0].state === 'down');
    expect(rows[0]).toMatchObject({ module: 'redis', pid: '' });
    expect(rows[1]).toMatchObject({ module: 'other', state: 'up' });
    expect(readStatus(redis.dir)).toMatchObject({ pid: 0, want: 'down' });
    expect(await browser.execute('return window.stillTheSamePage')).toBe(true);

    await browser.click(await browser.find('#services tr:first-child button.start'));
    await waitForRows(browser, 'the redis row up again', (seen) => seen[0].state === 'up' && seen[0].pid !== '');
    expect(await browser.execute('return window.stillTheSamePage')).toBe(true);
  });

  it('shows a module named <img src=x onerror=alert(1)> and a __stderr line holding <script> as text, running nothing', async () => {
    const root = makeTempDir();
    const module = '<img src=x onerror=alert(1)>';
    const line = '<script>window.pwned = true; alert(2)</script>';
    const evil = await startSupervised(['/bin/sh', '-c', 'printf "%s\\n" "$1" >&2; exec sleep 100000', 'sh', line], {
      dir: join(root, 'status', module),
    });
    // Down, so that the start button has something to do; once the line is written.
    await waitFor(() => readFileSync(join(evil.dir, '__stderr'), 'utf8').includes(line), { what: 'the <script> line in __stderr' });
    writeControl(evil.dir, 'd');
    const { path, token } = writeTokenFile(root);
    const serve = await startServe(['--token-file', path, evil.dir]);
    const browser = await openPage(serve);
    await unlock(browser, token);

    const rows = await waitForRows(
      browser,
      'the row, down, with its stderr line',
      (seen) => seen.length === 1 && seen[0].state === 'down' && seen[0].stderr.includes('<script>'),
    );
    expect(rows[0].module).toBe(module);
    expect(rows[0].stderr).toContain(line);
    const markup = await browser.execute<{ images: number; scripts: number; pwned: unknown }>(`
      return {
        images: document.querySelectorAll('#services img').length,
        scripts: document.querySelectorAll('body script').length,
        pwned: window.pwned,
      };`);
    expect(markup).toEqual({ images: 0, scripts: 0, pwned: null });
    expect(await browser.openDialogText()).toBeNull();

    // The buttons address it by its name: POST /api/services/%3Cimg.../start.
    await browser.click(await browser.find('#services tr:first-child button.start'));
    await waitForRows(browser, 'the strangely named service up', (seen) => seen[0].state === 'up');
    expect(await browser.openDialogText()).toBeNull();
  });

  it('without --token-file the page is read-only: no token form, no buttons', async () => {
    const service = await startSupervised([FOREVER]);
    const serve = await startServe([service.dir]);
    const browser = await openPage(serve);
    const rows = await waitForRows(browser, 'one row', (seen) => seen.length === 1 && seen[0].state === 'up');
    expect(rows[0].buttons).toBe(0);
    const visible = await browser.execute<Record<string, boolean>>(`
      const shown = (id) => !document.getElementById(id).hidden;
      return { form: shown('token-form'), readOnly: shown('read-only') };`);
    expect(visible).toEqual({ form: false, readOnly: true });
  });

  it('a page of another origin cannot make the browser stop a service, token or not', async () => {
    const root = makeTempDir();
    const service = await startSupervised([FOREVER], { dir: join(root, 'status', 'redis') });
    const { path, token } = writeTokenFile(root);
    const serve = await startServe(['--token-file', path, service.dir]);
    const browser = await startBrowser();
    // Another site's page: no CSP of ours to stop its script, so only serve can.
    const evilSite = createServer((_request, response) => response.end('<!doctype html><title>elsewhere</title>'));
    evilSite.listen(0, '127.0.0.1');
    await once(evilSite, 'listening');
    onTestFinished(() => void evilSite.close());
    await browser.navigate(`http://127.0.0.1:${(evilSite.address() as AddressInfo).port}/`);
    const target = `${serve.origin}/api/services/redis/stop`;
    const outcome = await browser.execute<{ simple: string; withToken: string }>(
      `const [target, token] = arguments;
       const simple = await fetch(target, { method: 'POST', mode: 'no-cors' }).then(() => 'sent', (error) => error.name);
       const withToken = await fetch(target, { method: 'POST', headers: { Authorization: 'Bearer ' + token } })
         .then((response) => String(response.status), (error) => error.name);
       return { simple, withToken };`,
      target,
      token,
    );
    // The no-cors POST reaches serve, which refuses it (403, unreadable to the page);
    // the one with the token needs a preflight that serve never grants.
    expect(outcome).toEqual({ simple: 'sent', withToken: 'TypeError' });
    expect(readStatus(service.dir)).toMatchObject({ pid: service.servicePid, want: 'up' });
  });
});
