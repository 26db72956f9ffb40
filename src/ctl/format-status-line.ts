// One svstat-like line per status directory (SPEC section 10), e.g.
// `status/redis: up (pid 1234) 3600 seconds, normally up, alarms on`.
import type { Status } from '../codec/status-codec.js';

/**
 * running: a supervise holds the `ok` FIFO open. Without one, `status` may be
 * missing (a first start that failed).
 */
export type StatusView = { readonly running: true; readonly status: Status } | { readonly running: false; readonly status: Status | null };

/** The directory as the user named it, without trailing slashes: `status/redis/` -> `status/redis`. */
export function labelOf(dir: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** `up (pid 1234)` or `down`. */
export function describePid(pid: number): string {
  return pid === 0 ? 'down' : `up (pid ${pid})`;
}

/**
 * "normally" is what the want byte says supervise will keep doing; `want down`
 * marks a service still up although told to stop (stopping, or ignoring TERM).
 */
function describeWant(status: Status): string {
  switch (status.want) {
    case 'up':
      return 'normally up';
    case 'down':
      return status.pid === 0 ? 'normally down' : 'want down';
    case 'once':
      return 'once';
  }
}

/** Whole seconds since the last pid change; never negative when clocks disagree. */
export function secondsSince(status: Status, nowMs: number): number {
  const changedMs = status.seconds * 1000 + Math.floor(status.nanoseconds / 1e6);
  return Math.max(0, Math.floor((nowMs - changedMs) / 1000));
}

export function formatStatusLine(dir: string, view: StatusView, nowMs: number): string {
  const label = labelOf(dir);
  if (!view.running) return `${label}: supervise not running`;
  const { status } = view;
  const parts = [`${describePid(status.pid)} ${secondsSince(status, nowMs)} seconds`, describeWant(status)];
  if (status.paused && status.pid !== 0) parts.push('paused');
  parts.push(status.alarmsOn ? 'alarms on' : 'alarms off');
  return `${label}: ${parts.join(', ')}`;
}
