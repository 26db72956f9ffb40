// Reads supervise.conf and parses it for one module. Never throws: a file that
// cannot be used gives the defaults (no alarms, no limits) and a warning, and
// a `reloadRefusal` (as does a line that cannot be parsed) so a reload (`r`)
// keeps the values it had instead.
// The warning says what follows, which differs: at start-up alarms and limits
// are off, while `r` keeps the values in force (SPEC section 4).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_CONFIG_BYTES } from './config-defaults.js';
import { parseConfig, type ConfigResult } from './parse-config.js';
import type { SystemFacts } from './check-service-settings.js';
import { readOwnNofile } from '../io/process-limits.js';
import { lookUpGroup, lookUpUser } from '../io/user-account.js';

export interface LoadedConfig extends ConfigResult {
  /** false when the file could not be read and `config` is the built-in defaults. */
  fileRead: boolean;
  /** For `r`: why this file must not replace the values in force (unreadable, or lines that cannot be parsed), or null. */
  reloadRefusal: string | null;
}

/** 'start': the file is all there is. 'reload': `r`, where a file that cannot be used keeps the values in force. */
export type ConfigLoad = 'start' | 'reload';

export function loadConfig(path: string, moduleName: string, load: ConfigLoad = 'start'): LoadedConfig {
  let text: string;
  try {
    text = readSmallFile(path);
  } catch (error) {
    // The empty text yields the defaults and their log lines; its own warning
    // ("no [global] section") would only hide the real reason.
    const { config, loaded } = parseConfig('', moduleName, path);
    // At start-up the defaults follow; on `r` the caller says that the old values stay.
    const outcome = load === 'start' ? `; alarms and limits are off for ${moduleName}` : '';
    return {
      config,
      warnings: [`unable to read ${path}: ${reasonOf(error)}${outcome}`],
      loaded,
      unparsedLines: 0,
      fileRead: false,
      reloadRefusal: 'it cannot be read',
    };
  }
  const parsed = parseConfig(text, moduleName, path, SYSTEM);
  const { unparsedLines } = parsed;
  const reloadRefusal = unparsedLines === 0 ? null : `${unparsedLines} ${unparsedLines === 1 ? 'line' : 'lines'} cannot be parsed`;
  return { ...parsed, fileRead: true, reloadRefusal };
}

/** SPEC section 15: users and groups that exist, limit_nofile within supervise's hard limit. */
const SYSTEM: SystemFacts = {
  userExists: (key) => lookUpUser(key) !== null,
  groupExists: (key) => lookUpGroup(key) !== null,
  get nofileHard() {
    return readOwnNofile().hard;
  },
};

function readSmallFile(path: string): string {
  // O_NONBLOCK so a FIFO given by mistake fails the checks below instead of
  // hanging supervise until something writes to it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new Error('is a directory');
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) throw new Error(`${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} a config file may have`);
    // Read at most one byte past the limit: the file may have grown since fstat.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_CONFIG_BYTES) throw new Error(`more than the ${MAX_CONFIG_BYTES} bytes a config file may have`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** "ENOENT: no such file or directory, open '/x'" -> "ENOENT: no such file or directory": the path is already named. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '.*'$/s, '');
}
