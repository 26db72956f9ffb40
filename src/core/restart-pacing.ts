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
