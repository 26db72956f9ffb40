// Runs the built `supervisectl serve` in the foreground for a test, learns
// its URL from the line it prints, and stops it (by its pid) when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { SUPERVISECTL_BIN } from './supervise-process.js';
import { waitFor } from './wait-for.js';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:PORT` without a trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** What serve wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `supervisectl serve ARGS...`, on a free port of 127.0.0.1 unless ARGS
 * name a --listen or `defaultListen` asks for serve's own default.
 */
export async function startServe(args: readonly string[], options: { defaultListen?: boolean } = {}): Promise<ServeProcess> {
  const named = args.includes('--listen') || args.some((arg) => arg.startsWith('--listen='));
  const listen = named || options.defaultListen === true ? [] : ['--listen', '127.0.0.1:0'];
  const child = spawn(SUPERVISECTL_BIN, ['serve', ...listen, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  onTestFinished(async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const origin = await waitFor(
    () => {
      if (exitCode !== undefined) throw new Error(`serve exited ${exitCode}: ${stderr}`);
      return /on (http:\/\/\S+?)\/ /.exec(stdout)?.[1];
    },
    { what: `serve's "serving ... on http://..." line; stdout: ${stdout} stderr: ${stderr}` },
  );
  return {
    child,
    pid: child.pid ?? 0,
    origin,
    port: Number(new URL(origin).port),
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A fresh random token in a 0600 file of the current user inside `dir`. */
export function writeTokenFile(dir: string): { path: string; token: string } {
  const token = randomBytes(24).toString('base64url');
  const path = join(dir, 'serve-token');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { path, token };
}
