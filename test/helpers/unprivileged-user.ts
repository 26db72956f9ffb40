// A throwaway user (useradd) for permission tests, removed (userdel) when the
// test finishes; commands run as it through setpriv, with no PAM or shell.
import { onTestFinished } from 'vitest';
import { runCommand, type CommandResult } from './supervise-process.js';
import { waitFor } from './wait-for.js';

export interface UnprivilegedUser {
  name: string;
  uid: number;
  gid: number;
  /** Runs a command as this user, no shell, its supplementary groups cleared. */
  run(file: string, args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult>;
}

let created = 0;

export async function createUnprivilegedUser(): Promise<UnprivilegedUser> {
  const name = `svt${process.pid}x${++created}`;
  // Test files run side by side and useradd refuses while another holds /etc/passwd's lock.
  await waitFor(async () => (await runCommand('useradd', ['-M', '-s', '/usr/sbin/nologin', name])).code === 0, {
    what: `useradd ${name}`,
  });
  onTestFinished(async () => {
    await waitFor(async () => (await runCommand('userdel', [name])).code === 0, { what: `userdel ${name}` });
  });
  const uid = Number((await runCommand('id', ['-u', name])).stdout);
  const gid = Number((await runCommand('id', ['-g', name])).stdout);
  return {
    name,
    uid,
    gid,
    run: (file, args, options = {}) =>
      runCommand('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', file, ...args], {
        ...options,
        timeoutMs: 30_000,
      }),
  };
}
