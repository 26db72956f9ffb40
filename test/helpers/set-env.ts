// Sets an environment variable of the test process until the current test finishes.
import { onTestFinished } from 'vitest';

export function setEnv(name: string, value: string): void {
  const saved = process.env[name];
  process.env[name] = value;
  onTestFinished(() => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  });
}
