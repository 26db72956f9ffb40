// Debian's headless Chromium driven through chromedriver's W3C WebDriver HTTP
// API with plain fetch: no client library. The driver runs in a process group
// of its own, so the browser it starts goes with it when the test finishes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { waitFor } from './wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMEDRIVER = '/usr/bin/chromedriver';
/** How WebDriver marks an element reference in JSON. */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

export interface Browser {
  navigate(url: string): Promise<void>;
  /** Runs `script` (a function body) in the page; `arguments` holds `args`. */
  execute<T = unknown>(script: string, ...args: unknown[]): Promise<T>;
  /** The first element matching a CSS selector, as a reference for click and type. */
  find(selector: string): Promise<string>;
  click(element: string): Promise<void>;
  type(element: string, text: string): Promise<void>;
  screenshot(): Promise<Buffer>;
  /** The text of an open alert/confirm/prompt dialog, or null when none is open. */
  openDialogText(): Promise<string | null>;
}

class WebDriverError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(`${error}: ${message}`);
  }
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as { value: T & { error?: string; message?: string } };
  if (!response.ok) throw new WebDriverError(json.value.error ?? String(response.status), json.value.message ?? '');
  return json.value;
}

/** Starts chromedriver and one headless Chromium session; both end when the test does. */
export async function startBrowser(options: { width?: number; height?: number } = {}): Promise<Browser> {
  const driver = spawn(CHROMEDRIVER, ['--port=0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  let exited = false;
  driver.stdout.on('data', (chunk) => (output += chunk));
  driver.stderr.on('data', (chunk) => (output += chunk));
  const gone = new Promise<void>((resolve) =>
    driver.on('close', () => {
      exited = true;
      resolve();
    }),
  );
  driver.on('error', (error) => (output += String(error)));
  let session: string | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'supervise-chromium-'));
  onTestFinished(async () => {
    if (session !== null) await call(base, 'DELETE', `/session/${session}`).catch(() => {});
    // The whole group: chromedriver and any browser process still left.
    try {
      process.kill(-(driver.pid ?? 0), 'SIGKILL');
    } catch {
      // Already gone.
    }
    if (!exited) await gone;
    // A browser process on its way out may still write its profile for a moment.
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  });
  const port = await waitFor(
    () => {
      if (exited) throw new Error(`chromedriver exited: ${output}`);
      return /started successfully on port (\d+)/.exec(output)?.[1];
    },
    { what: `chromedriver to start; output: ${output}`, timeoutMs: 20_000 },
  );
  const base = `http://127.0.0.1:${port}`;
  const created = await call<{ sessionId: string }>(base, 'POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'chrome',
        // Leave dialogs open so a test can see one was opened.
        unhandledPromptBehavior: 'ignore',
        'goog:chromeOptions': {
          binary: CHROMIUM,
          args: [
            '--headless=new',
            // Tests run as root, and Chromium's sandbox refuses root.
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--no-first-run',
            '--hide-scrollbars',
            `--window-size=${options.width ?? 1280},${options.height ?? 720}`,
            `--user-data-dir=${profile}`,
          ],
        },
      },
    },
  });
  session = created.sessionId;
  const at = `/session/${session}`;
  return {
    navigate: async (url) => void (await call(base, 'POST', `${at}/url`, { url })),
    execute: (script, ...args) => call(base, 'POST', `${at}/execute/sync`, { script, args }),
    find: async (selector) => {
      const found = await call<Record<string, string>>(base, 'POST', `${at}/element`, { using: 'css selector', value: selector });
      return found[ELEMENT_KEY];
    },
    click: async (element) => void (await call(base, 'POST', `${at}/element/${element}/click`, {})),
    type: async (element, text) => void (await call(base, 'POST', `${at}/element/${element}/value`, { text })),
    screenshot: async () => Buffer.from(await call<string>(base, 'GET', `${at}/screenshot`), 'base64'),
    openDialogText: async () => {
      try {
        return await call<string>(base, 'GET', `${at}/alert/text`);
      } catch (error) {
        if (error instanceof WebDriverError && error.error === 'no such alert') return null;
        throw error;
      }
    },
  };
}
