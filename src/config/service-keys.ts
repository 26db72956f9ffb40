// The keys of SPEC sections 11 and 15 that say how the service is run and
// stopped (user, group, directory, environment, env_dir, umask, nice, limit_*,
// stop_signal, ready_fd, restart_delay, restart_delay_max, the exit code
// lists, kill_mode): how each value is read, and how it is shown in the log.
// Pure. A value that cannot be read yields what was expected, and
// parse-config.ts warns and keeps the default. Unlike section 7's numbers, any
// valid value of a module's section overrides [global]'s, 0 included.
//
// Checks that need the system (does the user exist, is limit_nofile under
// supervise's hard limit) are in check-service-settings.ts.
import { CommandSyntaxError, splitCommand } from '../cli/split-command.js';
import { MAX_NICE, MIN_NICE } from './config-defaults.js';
import { KILL_MODES, type KillMode, type ModuleConfig, type ResourceLimit } from './module-config.js';
import type { ParsedValue } from './parsed-value.js';
import { parseDelaySeconds, parseExitCodes, parseReadyFd, parseStopSignal } from './service-life-values.js';

export type ServiceField =
  | 'user'
  | 'group'
  | 'directory'
  | 'environment'
  | 'envDir'
  | 'umask'
  | 'nice'
  | 'limitNofile'
  | 'limitNproc'
  | 'limitCore'
  | 'limitAs'
  | 'stopSignal'
  | 'readyFd'
  | 'restartDelay'
  | 'restartDelayMax'
  | 'successExitCodes'
  | 'noRestartExitCodes'
  | 'killMode';


export interface ServiceKey<F extends ServiceField = ServiceField> {
  field: F;
  parse(text: string): ParsedValue<ModuleConfig[F]>;
  /** How a section after [global] combines with it: replace, or (environment) add to it. */
  overlay?(earlier: ModuleConfig[F], later: ModuleConfig[F]): ModuleConfig[F];
  show(value: ModuleConfig[F]): string;
}

/** rlimit values are 64-bit; a number this size is already "unlimited" in practice and stays exact in a double. */
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACCOUNT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

function key<F extends ServiceField>(spec: ServiceKey<F>): ServiceKey<F> {
  return spec;
}

const shownOrNone = (value: string | null): string => value ?? '(none)';

/** A user or group: a name as useradd allows, or a numeric id. */
function parseAccount(what: 'user' | 'group') {
  return (text: string): ParsedValue<string | null> =>
    ACCOUNT_NAME.test(text) ? { value: text } : { expected: `expected a ${what} name or a numeric id` };
}

function parsePath(text: string): ParsedValue<string | null> {
  return text.includes('\0') ? { expected: 'expected a path' } : { value: text };
}

/** `KEY=VALUE` words, split and quoted as -f is. */
export function parseEnvironment(text: string): ParsedValue<ReadonlyArray<readonly [string, string]>> {
  const expected = 'expected KEY=VALUE pairs, quoted as -f is';
  let words: string[];
  try {
    words = splitCommand(text);
  } catch (error) {
    if (!(error instanceof CommandSyntaxError)) throw error;
    return { expected: `${expected} (${error.message.replace(/ in command: .*$/s, '')})` };
  }
  const pairs: Array<readonly [string, string]> = [];
  for (const word of words) {
    const equals = word.indexOf('=');
    const name = word.slice(0, Math.max(equals, 0));
    if (!ENVIRONMENT_NAME.test(name) || word.includes('\0')) return { expected: `${expected}; ${JSON.stringify(word)} is not one` };
    pairs.push([name, word.slice(equals + 1)]);
  }
  return { value: pairs };
}

function parseUmask(text: string): ParsedValue<number | null> {
  return /^0?[0-7]{1,3}$/.test(text) ? { value: parseInt(text, 8) } : { expected: 'expected an octal umask from 000 to 777' };
}

function parseNice(text: string): ParsedValue<number | null> {
  const number = /^[-+]?\d{1,3}$/.test(text) ? Number(text) : NaN;
  return number >= MIN_NICE && number <= MAX_NICE ? { value: number } : { expected: `expected a whole number from ${MIN_NICE} to ${MAX_NICE}` };
}

function parseLimit(text: string): ParsedValue<ResourceLimit | null> {
  if (text === 'unlimited' || text === 'infinity') return { value: 'unlimited' };
  const number = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  return number <= MAX_LIMIT ? { value: number } : { expected: 'expected a whole number from 0 or unlimited' };
}

const showLimit = (value: ResourceLimit | null): string => (value === null ? "(supervise's)" : String(value));

const showOptional = (value: number | null): string => (value === null ? '(none)' : String(value));
const showCodes = (codes: readonly number[]): string => (codes.length === 0 ? '(none)' : codes.join(' '));

function parseKillMode(text: string): ParsedValue<KillMode> {
  return (KILL_MODES as readonly string[]).includes(text) ? { value: text as KillMode } : { expected: `expected one of ${KILL_MODES.join(', ')}` };
}

/** Octal, as it is written: 022, 0077. */
export function formatUmask(mask: number): string {
  return `0${mask.toString(8).padStart(3, '0')}`;
}

// In the order they are logged, after section 7's keys.
export const SERVICE_KEYS = {
  user: key({ field: 'user', parse: parseAccount('user'), show: (value) => value ?? "(supervise's)" }),
  group: key({ field: 'group', parse: parseAccount('group'), show: (value) => value ?? "(the user's)" }),
  directory: key({ field: 'directory', parse: parsePath, show: (value) => value ?? "(supervise's)" }),
  environment: key({
    field: 'environment',
    parse: parseEnvironment,
    // [global]'s pairs, then the module's: a name set in both takes the module's value.
    overlay: (earlier, later) => [...earlier.filter(([name]) => !later.some(([other]) => other === name)), ...later],
    show: (pairs) => (pairs.length === 0 ? '(none)' : pairs.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(' ')),
  }),
  env_dir: key({ field: 'envDir', parse: parsePath, show: shownOrNone }),
  umask: key({ field: 'umask', parse: parseUmask, show: (value) => (value === null ? "(supervise's)" : formatUmask(value)) }),
  nice: key({ field: 'nice', parse: parseNice, show: (value) => (value === null ? "(supervise's)" : String(value)) }),
  limit_nofile: key({ field: 'limitNofile', parse: parseLimit, show: showLimit }),
  limit_nproc: key({ field: 'limitNproc', parse: parseLimit, show: showLimit }),
  limit_core: key({ field: 'limitCore', parse: parseLimit, show: showLimit }),
  limit_as: key({ field: 'limitAs', parse: parseLimit, show: showLimit }),
  stop_signal: key({ field: 'stopSignal', parse: parseStopSignal, show: (signal) => signal.slice(3) }),
  ready_fd: key({ field: 'readyFd', parse: parseReadyFd, show: showOptional }),
  restart_delay: key({ field: 'restartDelay', parse: parseDelaySeconds, show: String }),
  restart_delay_max: key({ field: 'restartDelayMax', parse: parseDelaySeconds, show: showOptional }),
  success_exit_codes: key({ field: 'successExitCodes', parse: parseExitCodes, show: showCodes }),
  no_restart_exit_codes: key({ field: 'noRestartExitCodes', parse: parseExitCodes, show: showCodes }),
  kill_mode: key({ field: 'killMode', parse: parseKillMode, show: String }),
} as const;

export type ServiceKeyName = keyof typeof SERVICE_KEYS;
