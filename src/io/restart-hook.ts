// Runs the -r restart hook (SPEC section 6): argv, no shell, at most 60 s.
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

export const RESTART_HOOK_LIMIT_MS = 60_000;

export function runRestartHook(
  hook: string,
  count: number,
  output: { stdoutPath: string; stderrPath: string },
  done: (outcome: string) => void,
): void {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
  let stdoutFd: number | null = null;
  let stderrFd: number | null = null;
  try {
    stdoutFd = openSync(output.stdoutPath, flags, 0o644);
    stderrFd = openSync(output.stderrPath, flags, 0o644);
    const child = spawn(hook, [String(count)], { stdio: ['ignore', stdoutFd, stderrFd] });
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
    if (stdoutFd !== null) closeSync(stdoutFd);
    if (stderrFd !== null) closeSync(stderrFd);
  }
}
