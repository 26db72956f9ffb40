// How one start runs the service (SPEC section 15): the settings of
// supervise.conf plus what the adapter found on the system turn into the
// file to spawn, its argv, environment, working directory and umask. Pure:
// src/io/service-launch.ts gathers the facts, src/io/service-process.ts spawns.
//
// Node cannot set a uid with supplementary groups (libuv's setgroups drops
// them), nor limits or niceness. util-linux `setpriv` and `prlimit` and
// coreutils `nice` can, and each execs into what follows it, so the pid in
// `status` stays the service's own: prlimit -> nice -> setpriv -> command.
// setpriv comes last because limits and niceness need root, which it drops.
// With none of these settings nothing wraps the command.
import type { ModuleConfig, ResourceLimit } from '../config/module-config.js';

/** A user as the password database has it. */
export interface ServiceAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface LaunchFacts {
  /** The command's executable, resolved before daemonizing. */
  executable: string;
  argv: readonly string[];
  /** supervise's environment, the caller's. */
  env: Readonly<Record<string, string | undefined>>;
  runningAsRoot: boolean;
  /** `user` as found now; null when it is not set or not found. */
  account: ServiceAccount | null;
  /** `group` as found now; null when it is not set or not found. */
  groupId: number | null;
  /** The files of `env_dir` in name order: a value, or null for an empty file. */
  envDir: ReadonlyArray<readonly [string, string | null]> | null;
  /** supervise's own niceness. */
  niceness: number;
  /**
   * RLIMIT_NOFILE: the soft limit supervise was started with (null: not known)
   * and the one it has now, which Node raised to the hard limit at start-up.
   */
  nofile: { callerSoft: ResourceLimit | null; soft: ResourceLimit };
  /** Paths of the exec wrappers, null when not installed. */
  tools: Readonly<Record<LaunchTool, string | null>>;
}

export type LaunchTool = 'setpriv' | 'prlimit' | 'nice';

const TOOL_PACKAGES: Readonly<Record<LaunchTool, string>> = { setpriv: 'util-linux', prlimit: 'util-linux', nice: 'coreutils' };

export interface LaunchPlan {
  file: string;
  args: string[];
  argv0: string;
  env: Record<string, string>;
  /** null: supervise's. */
  cwd: string | null;
  /** null: supervise's. */
  umask: number | null;
}

export type LaunchOutcome = { ok: true; plan: LaunchPlan } | { ok: false; reason: string };

type LaunchSettings = Pick<
  ModuleConfig,
  'user' | 'group' | 'directory' | 'environment' | 'umask' | 'nice' | 'limitNofile' | 'limitNproc' | 'limitCore' | 'limitAs'
>;

const LIMIT_OPTIONS: ReadonlyArray<readonly [keyof LaunchSettings & `limit${string}`, string, string]> = [
  ['limitNofile', 'limit_nofile', '--nofile'],
  ['limitNproc', 'limit_nproc', '--nproc'],
  ['limitCore', 'limit_core', '--core'],
  ['limitAs', 'limit_as', '--as'],
];

export function planLaunch(settings: LaunchSettings, facts: LaunchFacts): LaunchOutcome {
  const failure = checkAccounts(settings, facts);
  if (failure !== null) return { ok: false, reason: failure };

  const wrappers: Array<{ tool: LaunchTool; args: string[]; why: string }> = [];
  const limits = limitArgs(settings, facts);
  if (limits.args.length > 0) wrappers.push({ tool: 'prlimit', args: [...limits.args, '--'], why: limits.why });
  if (settings.nice !== null && settings.nice !== facts.niceness) {
    // nice adds to the niceness it runs with; the setting is absolute, as systemd's Nice=.
    wrappers.push({ tool: 'nice', args: ['-n', String(settings.nice - facts.niceness), '--'], why: 'nice' });
  }
  const identity = identityArgs(settings, facts);
  if (identity !== null) wrappers.push({ tool: 'setpriv', args: [...identity, '--'], why: settings.user !== null ? 'user' : 'group' });

  const env = serviceEnvironment(settings, facts);
  const base = { env, cwd: settings.directory, umask: settings.umask };
  if (wrappers.length === 0) {
    return { ok: true, plan: { ...base, file: facts.executable, args: facts.argv.slice(1), argv0: facts.argv[0] } };
  }
  const args: string[] = [];
  for (const { tool, args: toolArgs, why } of wrappers) {
    const path = facts.tools[tool];
    if (path === null) return { ok: false, reason: `${tool} (${TOOL_PACKAGES[tool]}) is needed for ${why} and is not installed` };
    args.push(path, ...toolArgs);
  }
  // The wrappers exec the resolved executable, so argv[0] is its path (orphan-service.ts accepts that form).
  args.push(facts.executable, ...facts.argv.slice(1));
  return { ok: true, plan: { ...base, file: args[0], args: args.slice(1), argv0: args[0] } };
}

function checkAccounts(settings: LaunchSettings, facts: LaunchFacts): string | null {
  if (settings.user !== null && facts.account === null) return `user ${settings.user}: no such user`;
  if (settings.group !== null && facts.groupId === null) return `group ${settings.group}: no such group`;
  const key = settings.user !== null ? `user ${settings.user}` : settings.group !== null ? `group ${settings.group}` : null;
  if (key !== null && !facts.runningAsRoot) return `${key} needs supervise to run as root`;
  return null;
}

/** uid, primary group and every supplementary group of the user; `group` alone changes only the primary group. */
function identityArgs(settings: LaunchSettings, facts: LaunchFacts): string[] | null {
  const { account, groupId } = facts;
  if (account !== null) return [`--reuid=${account.uid}`, `--regid=${groupId ?? account.gid}`, '--init-groups'];
  if (groupId !== null) return [`--regid=${groupId}`, '--keep-groups'];
  return null;
}

function limitArgs(settings: LaunchSettings, facts: LaunchFacts): { args: string[]; why: string } {
  const args: string[] = [];
  const why: string[] = [];
  for (const [field, key, option] of LIMIT_OPTIONS) {
    const limit = settings[field];
    if (limit === null) continue;
    args.push(`${option}=${limit}:${limit}`);
    why.push(key);
  }
  // Node raised its soft limit to the hard one; without limit_nofile the
  // service gets the soft limit supervise was started with, as any child of
  // a C program would. "SOFT:" leaves the hard limit as it is.
  const { callerSoft, soft } = facts.nofile;
  if (settings.limitNofile === null && callerSoft !== null && callerSoft !== soft) {
    args.push(`--nofile=${callerSoft}:`);
    why.push("supervise's own soft limit of open files");
  }
  return { args, why: why.join(', ') };
}

/** supervise's, then the user's HOME, USER and LOGNAME, then `environment`, then `env_dir` (read at each start, it wins, as systemd's EnvironmentFile=). */
function serviceEnvironment(settings: LaunchSettings, facts: LaunchFacts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(facts.env)) if (value !== undefined) env[name] = value;
  if (facts.account !== null) {
    env.HOME = facts.account.home;
    env.USER = facts.account.name;
    env.LOGNAME = facts.account.name;
  }
  for (const [name, value] of settings.environment) env[name] = value;
  for (const [name, value] of facts.envDir ?? []) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * The value of one envdir file, as daemontools' envdir(8) reads it: the first
 * line, spaces and tabs at its end removed, NULs turned into newlines; null
 * for a file of 0 bytes, which removes the variable.
 */
export function envDirValue(content: string): string | null {
  if (content.length === 0) return null;
  const newline = content.indexOf('\n');
  const line = newline === -1 ? content : content.slice(0, newline);
  return line.replace(/[ \t]+$/, '').replaceAll('\0', '\n');
}

/** envdir(8) skips names that start with a dot and cannot use one with `=`. */
export function isEnvDirName(name: string): boolean {
  return !name.startsWith('.') && !name.includes('=');
}
