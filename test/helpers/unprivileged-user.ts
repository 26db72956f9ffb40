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

/** `groups`: supplementary groups (createTestGroup) the user is a member of. */
export async function createUnprivilegedUser(options: { groups?: readonly string[] } = {}): Promise<UnprivilegedUser> {
  const name = `svt${process.pid}x${++created}`;
  const groups = options.groups?.length ? ['-G', options.groups.join(',')] : [];
  // Test files run side by side and useradd refuses while another holds /etc/passwd's lock.
  await waitFor(async () => (await runCommand('useradd', ['-M', '-s', '/usr/sbin/nologin', ...groups, name])).code === 0, {
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

/** A throwaway group (groupadd), removed (groupdel) when the test finishes; returns its name and gid. */
export async function createTestGroup(): Promise<{ name: string; gid: number }> {
  const name = `svg${process.pid}x${++created}`;
  await waitFor(async () => (await runCommand('groupadd', [name])).code === 0, { what: `groupadd ${name}` });
  onTestFinished(async () => {
    await waitFor(async () => (await runCommand('groupdel', [name])).code === 0, { what: `groupdel ${name}` });
  });
  const entry = (await runCommand('getent', ['group', name])).stdout;
  return { name, gid: Number(entry.split(':')[2]) };
}
