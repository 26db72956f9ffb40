// Runs the -r restart hook (SPEC section 6): argv, no shell, at most 60 s.
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { locateExecutable } from './resolve-executable.js';
import { openServiceOutputs } from './service-output.js';

export const RESTART_HOOK_LIMIT_MS = 60_000;

/** How a hook run ended: `ok` only for exit code 0. */
export interface RestartHookOutcome {
  ok: boolean;
  /** "exited with code 3", "killed by SIGKILL", "failed: ..." */
  text: string;
}

export function runRestartHook(
  hook: string,
  count: number,
  /** Where the hook's fd 1 and 2 go (the service's files), and those paths as messages show them. */
  output: { stdout: string; stderr: string },
  shownOutput: { stdout: string; stderr: string },
  done: (outcome: RestartHookOutcome) => void,
): void {
  // Looked up again at every run, as supervise did before daemonizing: the
  // file may have gone, or been replaced by one execvp would hand to sh.
  const located = locateExecutable(hook, process.env.PATH, process.cwd());
  if ('problem' in located) {
    setImmediate(() => done({ ok: false, text: `failed: ${located.problem}` }));
    return;
  }
  let fds: { stdout: number; stderr: number } | null = null;
  try {
    fds = openServiceOutputs(output, shownOutput);
    // detached: a session of its own, so it is never taken for one of the service's processes (SPEC section 11).
    const child = spawn(located.path, [String(count)], { argv0: hook, stdio: ['ignore', fds.stdout, fds.stderr], detached: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), RESTART_HOOK_LIMIT_MS);
    let finished = false;
    const finish = (outcome: RestartHookOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      done(outcome);
    };
    child.once('error', (error) => finish({ ok: false, text: `failed: ${error.message}` }));
    child.once('exit', (code, signal) =>
      finish(signal ? { ok: false, text: `killed by ${signal}` } : { ok: code === 0, text: `exited with code ${code}` }),
    );
  } catch (error) {
    setImmediate(() => done({ ok: false, text: `failed: ${(error as Error).message}` }));
  } finally {
    if (fds !== null) {
      closeSync(fds.stdout);
      closeSync(fds.stderr);
    }
  }
}
