// Sets or removes an environment variable of the test process until the current test finishes.
import { onTestFinished } from 'vitest';

export function setEnv(name: string, value: string): void {
  restoreAfterTest(name);
  process.env[name] = value;
}

/** Removes an environment variable of the test process until the current test finishes. */
export function unsetEnv(name: string): void {
  restoreAfterTest(name);
  delete process.env[name];
}

/** Names whose value before the current test is already saved: a second change in one test keeps the first save. */
const saved = new Map<string, string | undefined>();

function restoreAfterTest(name: string): void {
  if (saved.has(name)) return;
  saved.set(name, process.env[name]);
  onTestFinished(() => {
    const value = saved.get(name);
    saved.delete(name);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  });
}
