// Runs a real server from Debian (node_exporter, alertmanager) for one test on
// 127.0.0.1, and makes sure it is gone, by its own pid, when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { waitFor } from './wait-for.js';

export interface ExternalDaemon {
  readonly pid: number;
  /** What it wrote on stderr so far, for failure messages. */
  readonly output: () => string;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts `file args`, and resolves once `readyUrl` answers 200. A program
 * that is missing fails the test (CI installs it), and one that exits before
 * it is ready fails it with its stderr.
 */
export async function startExternalDaemon(file: string, args: readonly string[], readyUrl: string, timeoutMs = 20_000): Promise<ExternalDaemon> {
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`unable to run ${file}: ${error.message}`)));
  });
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await stopped(child);
    clearTimeout(timer);
  });
  await spawned;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${file} exited ${child.exitCode}: ${stderr.slice(-2000)}`);
      const response = await fetch(readyUrl).catch(() => null);
      return response?.ok === true;
    },
    { what: `${file} to answer ${readyUrl}`, timeoutMs, intervalMs: 100 },
  );
  return { pid: child.pid as number, output: () => stderr };
}
