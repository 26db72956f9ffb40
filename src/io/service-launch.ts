// Gathers what the launch plan needs from the system at each start (the user
// and group as they are now, env_dir's files, supervise's niceness, where
// the exec wrappers are) and asks src/core/launch-plan.ts for the plan.
import { statSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { ResourceLimit } from '../config/module-config.js';
import type { ModuleConfig } from '../config/module-config.js';
import { planLaunch, type LaunchOutcome, type LaunchTool } from '../core/launch-plan.js';
import { describeCause } from '../core/supervise-error.js';
import { readEnvDir } from './read-env-dir.js';
import { locateExecutable } from './resolve-executable.js';
import { lookUpGroup, lookUpUser } from './user-account.js';

export interface LaunchContext {
  executable: string;
  argv: readonly string[];
  /** RLIMIT_NOFILE: the caller's soft limit (null: not known) and supervise's own now. */
  nofile: { callerSoft: ResourceLimit | null; soft: ResourceLimit };
}

/** Where util-linux and coreutils live on Debian, should supervise's PATH lack them. */
const TOOL_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

/** Looked for on first use (a start without wrappers looks for none); one installed later is found then. */
const found = new Map<LaunchTool, string>();
const TOOLS: Readonly<Record<LaunchTool, string | null>> = {
  get setpriv() {
    return locateTool('setpriv');
  },
  get prlimit() {
    return locateTool('prlimit');
  },
  get nice() {
    return locateTool('nice');
  },
};

export function prepareLaunch(settings: ModuleConfig, context: LaunchContext): LaunchOutcome {
  if (settings.directory !== null) {
    const problem = checkDirectory(settings.directory);
    if (problem !== null) return { ok: false, reason: `unable to enter directory ${settings.directory}: ${problem}` };
  }
  let envDir = null;
  if (settings.envDir !== null) {
    try {
      envDir = readEnvDir(settings.envDir);
    } catch (error) {
      return { ok: false, reason: `env_dir ${settings.envDir}: ${describeCause(error)}` };
    }
  }
  return planLaunch(settings, {
    executable: context.executable,
    argv: context.argv,
    env: process.env,
    runningAsRoot: process.getuid?.() === 0,
    account: settings.user === null ? null : lookUpUser(settings.user),
    groupId: settings.group === null ? null : lookUpGroup(settings.group),
    envDir,
    niceness: settings.nice === null ? 0 : getPriority(),
    nofile: context.nofile,
    tools: TOOLS,
  });
}

function checkDirectory(path: string): string | null {
  try {
    return statSync(path).isDirectory() ? null : 'not a directory';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? describeCause(error);
  }
}

function locateTool(name: LaunchTool): string | null {
  const known = found.get(name);
  if (known !== undefined) return known;
  const located = locateExecutable(name, [process.env.PATH, TOOL_PATH].filter(Boolean).join(':'), '/');
  if (!('path' in located)) return null;
  found.set(name, located.path);
  return located.path;
}
