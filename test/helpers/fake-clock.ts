// A clock and timers that move only when the test says so, for the supervisor
// shell's unit tests: "nothing happens for an hour" takes no time at all.
import type { SupervisorClock, TimerHandle } from '../../src/supervisor.js';

interface PendingTimer {
  id: number;
  at: number;
  fire: () => void;
}

export class FakeClock implements SupervisorClock {
  private time: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fire: () => void): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, delayMs), fire };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers still armed. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own moment, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.fire();
    }
    this.time = end;
  }
}
