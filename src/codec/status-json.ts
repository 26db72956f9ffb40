// status.json (SPEC section 3, beyond): the state for programs, written like
// `status` (.new then rename) at the same moments. supervisectl reads it.
import type { Want } from '../core/types.js';

export const STATUS_JSON_FILE = 'status.json';

export interface StatusJsonExit {
  code: number | null;
  signal: string | null;
  coreDumped: boolean;
  /** ISO time of the exit. */
  at: string;
  uptimeSeconds: number;
  expected: boolean;
}

export interface StatusJson {
  module: string;
  /** Absolute path of the status directory. */
  statusDir: string;
  supervisePid: number;
  /** Service pid, 0 while down. */
  pid: number;
  state: 'up' | 'down';
  /** ISO time of the last pid change. */
  since: string;
  want: Want;
  paused: boolean;
  alarms: 'on' | 'off';
  command: string[];
  /** Service starts since supervise started. */
  starts: number;
  lastExit: StatusJsonExit | null;
  alarmWindow: { openedAt: string; exits: number; coreDumps: number } | null;
  limits: { alarmInterval: number; maxTries: number; maxTriesIfCoredumped: number; stopTimeout: number };
}
