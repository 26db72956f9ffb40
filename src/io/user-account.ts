// Looks users and groups up as the C library does (getent: /etc/passwd,
// /etc/group, and LDAP or sssd where nsswitch.conf names them). Asked at
// config load and again at every start, since a user may be added later.
import { spawnSync } from 'node:child_process';
import type { ServiceAccount } from '../core/launch-plan.js';

/** The user named (or numbered) `key`, or null when there is none. */
export function lookUpUser(key: string): ServiceAccount | null {
  const fields = getent('passwd', key);
  if (fields === null) return null;
  const [name, , uid, gid, , home] = fields;
  return { name, uid: Number(uid), gid: Number(gid), home: home || '/' };
}

/** The gid of the group named (or numbered) `key`, or null when there is none. */
export function lookUpGroup(key: string): number | null {
  const fields = getent('group', key);
  return fields === null ? null : Number(fields[2]);
}

/** The first entry's fields; null when getent found none (exit 2) or could not run. */
function getent(database: 'passwd' | 'group', key: string): string[] | null {
  const result = spawnSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  if (result.status !== 0) return null;
  const line = result.stdout.split('\n')[0];
  return line === '' ? null : line.split(':');
}
