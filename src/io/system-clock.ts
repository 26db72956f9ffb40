// The wall clock and Node's timers, as the supervisor's clock adapter; tests
// give the supervisor a clock they move by hand instead.
import type { SupervisorClock } from '../supervisor.js';

export const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimer: (delayMs, fire) => setTimeout(fire, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
