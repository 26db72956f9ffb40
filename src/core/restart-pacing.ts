// At most one start per second (SPEC section 5): the caller arms a timer for
// the returned moment instead of sleeping, so control commands are read
// meanwhile (daemontools' blocking sleep(1) after each start is what we avoid).

/** The pause between two starts of a service that dies at once. */
export const MIN_START_INTERVAL_MS = 1000;

/**
 * When the next start may happen, in Unix ms: `now` if the previous start was
 * at least minIntervalMs ago (or there was none), else minIntervalMs after it.
 * Never later than now + minIntervalMs: if the clock went back, lastStartAt
 * lies in the future and the wait would otherwise last as long as the jump.
 */
export function nextStartAt(lastStartAt: number | null, now: number, minIntervalMs = MIN_START_INTERVAL_MS): number {
  if (lastStartAt === null) return now;
  return Math.min(Math.max(now, lastStartAt + minIntervalMs), now + minIntervalMs);
}

/** restart_delay and restart_delay_max (SPEC section 15), in seconds as supervise.conf gives them. */
export interface RestartDelaySettings {
  readonly restartDelay: number;
  /** null: the delay never doubles. */
  readonly restartDelayMax: number | null;
}

/**
 * The interval from the last start to the next one after an exit, in ms, as
 * systemd's RestartSteps: restart_delay the first time; doubled after each
 * exit of a run shorter than restart_delay_max, up to that; back to
 * restart_delay after a run at least that long, so a service that ran fine
 * for a while is not held back by a crash loop of last week (systemd#43813).
 * `previousMs` is the interval used after the previous exit, null after a reset.
 */
export function restartIntervalAfterExit(previousMs: number | null, runMs: number, settings: RestartDelaySettings): number {
  const baseMs = settings.restartDelay * 1000;
  if (settings.restartDelayMax === null) return baseMs;
  const maxMs = settings.restartDelayMax * 1000;
  if (previousMs === null || runMs >= maxMs) return baseMs;
  return Math.min(Math.max(previousMs, baseMs) * 2, maxMs);
}

/**
 * The interval an operator's `u` or `o` keeps from the last start: it cuts a
 * long delay short, but never below section 5's one start a second (or
 * restart_delay, when that is shorter), so a flood of `u` cannot crash-loop.
 */
export function operatorStartIntervalMs(settings: RestartDelaySettings): number {
  return Math.min(settings.restartDelay * 1000, MIN_START_INTERVAL_MS);
}
