// Runs the -r restart hook (SPEC section 6): argv, no shell, at most 60 s.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { openServiceOutputs } from './service-output.js';

export const RESTART_HOOK_LIMIT_MS = 60_000;

export function runRestartHook(
  hook: string,
  count: number,
  output: { stdoutPath: string; stderrPath: string },
  done: (outcome: string) => void,
): void {
  let fds: { stdout: number; stderr: number } | null = null;
  try {
    fds = openServiceOutputs({ stdout: output.stdoutPath, stderr: output.stderrPath });
    const child = spawn(hook, [String(count)], { stdio: ['ignore', fds.stdout, fds.stderr] });
    const timer = setTimeout(() => child.kill('SIGKILL'), RESTART_HOOK_LIMIT_MS);
    let finished = false;
    const finish = (outcome: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      done(outcome);
    };
    child.once('error', (error) => finish(`failed: ${error.message}`));
    child.once('exit', (code, signal) => finish(signal ? `killed by ${signal}` : `exited with code ${code}`));
  } catch (error) {
    setImmediate(() => done(`failed: ${(error as Error).message}`));
  } finally {
    if (fds !== null) {
      closeSync(fds.stdout);
      closeSync(fds.stderr);
    }
  }
}
