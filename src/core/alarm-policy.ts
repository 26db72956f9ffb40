// The alarm policy (SPEC section 5) and the restart-hook counter (section 6)
// as pure functions of the previous state, the exit and `now` (Unix ms), so
// the rules are tested with plain numbers. The Baidu supervise changed these
// counters inside its child-reaping loop; here the shell only feeds them.

/** Seconds, as the config clamped them: alarmInterval 0 = no alarms and no limits. */
export interface AlarmLimits {
  alarmInterval: number;
  /** 0 = no limit. */
  maxTries: number;
  /** 0 = no limit. */
  maxTriesIfCoredumped: number;
}

/** The open alarm window: unexpected, unsilenced exits since openedAt (Unix ms), and the core dumps among them. */
export interface AlarmWindow {
  openedAt: number;
  exits: number;
  coreDumps: number;
}

export interface GiveUp {
  exits: number;
  coreDumps: number;
  windowSeconds: number;
  /** For the log: `exited 3 times in 60 s (max_tries 2)`. */
  reason: string;
}

/**
 * What to do about one exit.
 * - `alarm` says which alarm to send: 'exit' for the first exit of a window,
 *   'gave-up' when a limit was passed, null for none. `sendAlarm` is exactly
 *   `alarm !== null`, kept for callers that only need the yes/no.
 * - `giveUp` is set when a limit was passed: do not restart, exit. Since
 *   silenced exits do not count, a give-up always comes with its alarm.
 * - `window` is the window to keep (null when none is open); on a give-up it
 *   holds the exit that passed the limit.
 */
export interface AlarmDecision {
  window: AlarmWindow | null;
  alarm: 'exit' | 'gave-up' | null;
  sendAlarm: boolean;
  giveUp: GiveUp | null;
}

/**
 * The window still open at `now`, or null. A window covers
 * [openedAt, openedAt + alarmInterval s): at exactly alarmInterval seconds it
 * has expired. A clock that went back past openedAt also ends it, since
 * otherwise the window would last for however far the clock jumped.
 */
export function currentWindow(window: AlarmWindow | null, limits: AlarmLimits, now: number): AlarmWindow | null {
  if (window === null || limits.alarmInterval <= 0) return null;
  const age = now - window.openedAt;
  return age >= 0 && age < limits.alarmInterval * 1000 ? window : null;
}

export function decideOnExit(
  window: AlarmWindow | null,
  exit: { expected: boolean; coreDumped: boolean },
  limits: AlarmLimits,
  silenced: boolean,
  now: number,
): AlarmDecision {
  const open = currentWindow(window, limits, now);
  // Exits supervise caused, and exits while silenced (`s`), neither alarm nor count.
  if (limits.alarmInterval <= 0 || exit.expected || silenced) {
    return { window: open, alarm: null, sendAlarm: false, giveUp: null };
  }

  const first = open === null;
  const counted: AlarmWindow = {
    openedAt: open?.openedAt ?? now,
    exits: (open?.exits ?? 0) + 1,
    coreDumps: (open?.coreDumps ?? 0) + (exit.coreDumped ? 1 : 0),
  };
  const giveUp = checkLimits(counted, limits);
  const alarm = giveUp !== null ? 'gave-up' : first ? 'exit' : null;
  return { window: counted, alarm, sendAlarm: alarm !== null, giveUp };
}

function checkLimits(window: AlarmWindow, limits: AlarmLimits): GiveUp | null {
  const seconds = limits.alarmInterval;
  const reasons: string[] = [];
  if (limits.maxTries > 0 && window.exits > limits.maxTries) {
    reasons.push(`exited ${window.exits} times in ${seconds} s (max_tries ${limits.maxTries})`);
  }
  if (limits.maxTriesIfCoredumped > 0 && window.coreDumps > limits.maxTriesIfCoredumped) {
    reasons.push(`dumped core ${window.coreDumps} times in ${seconds} s (max_tries_if_coredumped ${limits.maxTriesIfCoredumped})`);
  }
  if (reasons.length === 0) return null;
  return { exits: window.exits, coreDumps: window.coreDumps, windowSeconds: seconds, reason: reasons.join(' and ') };
}

/** The restart hook's exit counter (`-r SH -t N`). */
export interface HookCount {
  count: number;
  /** Unix ms of the exit counted last. */
  lastExitAt: number;
}

/**
 * Counts one more exit for the restart hook. With resetAfterSeconds N > 0 the
 * count starts again from 1 when N or more seconds passed since the previous
 * exit; 0 never resets.
 */
export function nextHookCount(previous: HookCount | null, now: number, resetAfterSeconds: number): HookCount {
  if (previous === null) return { count: 1, lastExitAt: now };
  const reset = resetAfterSeconds > 0 && now - previous.lastExitAt >= resetAfterSeconds * 1000;
  return { count: reset ? 1 : previous.count + 1, lastExitAt: now };
}
