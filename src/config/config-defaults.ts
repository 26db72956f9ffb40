// Every default and bound of supervise.conf lives here, so the parser, the
// loader, the example file's test and the status writer agree.
import type { ModuleConfig } from './module-config.js';

/** Config file used when -F is not given, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'supervise.conf';

export const DEFAULT_CONFIG: Readonly<ModuleConfig> = Object.freeze({
  alarmInterval: 0,
  maxTries: 0,
  maxTriesIfCoredumped: 0,
  alarmMail: Object.freeze([]) as unknown as string[],
  alarmGsm: Object.freeze([]) as unknown as string[],
  mailTransport: 'sendmail',
  mailFrom: null,
  gsmCommand: 'gsmsend-script',
  stopTimeout: 0,
  metricsDir: null,
  alarmAlertmanager: null,
  user: null,
  group: null,
  directory: null,
  environment: Object.freeze([]),
  envDir: null,
  umask: null,
  nice: null,
  limitNofile: null,
  limitNproc: null,
  limitCore: null,
  limitAs: null,
  stopSignal: 'SIGTERM',
  readyFd: null,
  readyTimeout: 0,
  restartDelay: 1,
  restartDelayMax: null,
  successExitCodes: Object.freeze([]) as unknown as number[],
  noRestartExitCodes: Object.freeze([]) as unknown as number[],
  outputMaxBytes: 0,
  outputBackups: 10,
  outputTimestamps: false,
  killMode: 'mixed',
});

/** A fresh, mutable copy of the defaults: no alarms, no limits. */
export function createDefaultConfig(): ModuleConfig {
  return { ...DEFAULT_CONFIG, alarmMail: [], alarmGsm: [], successExitCodes: [], noRestartExitCodes: [] };
}

/** Windows shorter than a minute count as a minute, as in the original supervise. */
export const MIN_ALARM_INTERVAL = 60;

/** The original keeps ten gsm numbers; more would mean more SMS per exit than anyone reads. */
export const MAX_GSM_NUMBERS = 10;

/**
 * Largest number any key accepts. stop_timeout ends up in a Node timer, and a
 * delay above 2^31-1 ms makes setTimeout fire at once, which would turn a huge
 * grace period into an immediate KILL; one bound for every key keeps it simple.
 */
export const MAX_CONFIG_NUMBER = 2_147_483;

/** A supervise.conf is a few hundred bytes; a bigger file is a mistake and is not read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Niceness bounds of setpriority(2), as `nice` takes them. */
export const MIN_NICE = -20;
export const MAX_NICE = 19;

/**
 * Largest output_max_bytes: a line longer than the limit is held in memory
 * until it is cut (SPEC section 12), so the limit bounds memory too.
 */
export const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;
