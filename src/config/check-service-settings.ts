// The checks of SPEC section 15's keys that need the system, made when the
// config is loaded (start and `r`). Pure: load-config.ts passes the facts in.
//
// An unknown user or group is a WARNING, but the name is kept, not dropped
// for supervise's own user: users are added after boot (by a package's
// postinst, by LDAP coming up), and a service meant for an unprivileged user
// must never run as root instead. Each start looks it up again and fails,
// paced, while it is missing, as systemd fails a unit with an unknown User=.
import type { ModuleConfig, ResourceLimit } from './module-config.js';

export interface SystemFacts {
  userExists(key: string): boolean;
  groupExists(key: string): boolean;
  /** supervise's hard limit of open files: the most a service may be given. */
  nofileHard: ResourceLimit;
}

/** Warnings; sets back to its default (in `config`) what cannot be used. */
export function checkServiceSettings(config: ModuleConfig, facts: SystemFacts, file: string): string[] {
  const warnings: string[] = [];
  const lookAgain = 'each start looks it up again and fails while it is missing';
  if (config.user !== null && !facts.userExists(config.user)) {
    warnings.push(`${file}: user ${JSON.stringify(config.user)}: no such user, expected an existing user name or uid; ${lookAgain}`);
  }
  if (config.group !== null && !facts.groupExists(config.group)) {
    warnings.push(`${file}: group ${JSON.stringify(config.group)}: no such group, expected an existing group name or gid; ${lookAgain}`);
  }
  if (config.limitNofile !== null && exceeds(config.limitNofile, facts.nofileHard)) {
    warnings.push(
      `${file}: limit_nofile ${JSON.stringify(String(config.limitNofile))}: above supervise's hard limit of open files, expected at most ${facts.nofileHard}; ignoring it`,
    );
    config.limitNofile = null;
  }
  return warnings;
}

function exceeds(limit: ResourceLimit, bound: ResourceLimit): boolean {
  if (bound === 'unlimited') return false;
  return limit === 'unlimited' || limit > bound;
}
