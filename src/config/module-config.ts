// The settings one module runs with, after supervise.conf (SPEC section 7)
// has been merged for it: [global] and/or its own section, defaults filled in.
import type { StopSignal } from './service-life-values.js';

export interface ModuleConfig {
  /** Seconds an alarm window lasts, already clamped: 0 = no alarms and no limits, 1-59 became 60. */
  alarmInterval: number;
  /** Unexpected exits allowed in one window before supervise gives up; 0 = no limit. */
  maxTries: number;
  /** Core dumps allowed in one window before supervise gives up; 0 = no limit. */
  maxTriesIfCoredumped: number;
  /** Mail recipients, in file order, duplicates and entries that are not addresses removed. */
  alarmMail: string[];
  /** gsm numbers (or group names), in file order, duplicates removed, at most MAX_GSM_NUMBERS. */
  alarmGsm: string[];
  /** 'sendmail', or an smtp:// / smtps:// URL. */
  mailTransport: string;
  /** Sender address; null means supervise@HOST, which the mailer resolves. */
  mailFrom: string | null;
  /** Program run once per gsm number with the single argument NUMBER@MESSAGE, without a shell. */
  gsmCommand: string;
  /** Seconds between TERM and KILL when stopping; 0 never sends KILL. */
  stopTimeout: number;
  /** Directory for node_exporter's textfile collector: supervise_MODULE.prom is written there; null writes none. */
  metricsDir: string | null;
  /** Alertmanager base URL (http:// or https://) every alarm is also POSTed to; null sends none. */
  alarmAlertmanager: string | null;

  // How the service is run (SPEC section 15); null: as supervise itself is.
  /** User name or uid; resolved again at every start. */
  user: string | null;
  /** Group name or gid, the primary group instead of the user's. */
  group: string | null;
  /** Working directory of the service. */
  directory: string | null;
  /** KEY=VALUE pairs added to the service's environment, in file order. */
  environment: ReadonlyArray<readonly [string, string]>;
  /** A daemontools envdir, read at every start. */
  envDir: string | null;
  umask: number | null;
  nice: number | null;
  limitNofile: ResourceLimit | null;
  limitNproc: ResourceLimit | null;
  limitCore: ResourceLimit | null;
  limitAs: ResourceLimit | null;
  // How the service is stopped, reports readiness and is restarted (SPEC section 15).
  /** Sent by `d`, supervisectl exit and supervise's own SIGTERM, followed by CONT. */
  stopSignal: StopSignal;
  /** Descriptor (3 or above) the service writes a newline on when it is ready; null: up is ready. */
  readyFd: number | null;
  /** Seconds a service with readyFd has to become ready before a WARNING; 0 waits forever. */
  readyTimeout: number;
  /** Seconds between a start and the next one after an exit (decimals allowed). */
  restartDelay: number;
  /** Above restartDelay: the delay doubles after each short run, up to this; null: it never doubles. */
  restartDelayMax: number | null;
  /** Exit codes that are expected exits: no alarm, not counted. */
  successExitCodes: number[];
  /** Exit codes after which supervise does not restart (want becomes down). */
  noRestartExitCodes: number[];
  /** Output (SPEC section 12): above 0, supervise writes __stdout/__stderr itself, rotating at this many bytes; 0 = direct files. */
  outputMaxBytes: number;
  /** Rotated files kept: NAME.1 ... NAME.<outputBackups>. */
  outputBackups: number;
  /** Piped mode only: each line starts with the local time it was read. */
  outputTimestamps: boolean;
  /** Which processes the stop signals reach and what is swept after an exit (SPEC section 11). */
  killMode: KillMode;
}

/** A resource limit, soft and hard alike. */
export type ResourceLimit = number | 'unlimited';

/** process: the service pid only (the C supervise); mixed: signals to the pid, leftovers swept; all: signals to every process of the service too. */
export type KillMode = 'process' | 'mixed' | 'all';

export const KILL_MODES: readonly KillMode[] = ['process', 'mixed', 'all'];
