import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/codec/status-codec.js';
import { formatStatusLine, labelOf } from '../../../src/ctl/format-status-line.js';

const NOW_MS = 1_800_000_000_000;
const NOW_S = NOW_MS / 1000;

function status(fields: Partial<Status>): Status {
  return { seconds: NOW_S - 3600, nanoseconds: 0, paused: false, want: 'up', alarmsOn: true, pid: 1234, ...fields };
}

describe('formatStatusLine', () => {
  it.each([
    ['up', status({}), 'status/redis: up (pid 1234) 3600 seconds, normally up, alarms on'],
    ['down and about to restart', status({ pid: 0, seconds: NOW_S - 5 }), 'status/redis: down 5 seconds, normally up, alarms on'],
    ['down on purpose', status({ pid: 0, want: 'down', seconds: NOW_S - 5 }), 'status/redis: down 5 seconds, normally down, alarms on'],
    ['paused', status({ paused: true }), 'status/redis: up (pid 1234) 3600 seconds, normally up, paused, alarms on'],
    ['told to stop but still up', status({ want: 'down', seconds: NOW_S - 2 }), 'status/redis: up (pid 1234) 2 seconds, want down, alarms on'],
    ['once, running', status({ want: 'once' }), 'status/redis: up (pid 1234) 3600 seconds, once, alarms on'],
    ['once, finished', status({ want: 'once', pid: 0 }), 'status/redis: down 3600 seconds, once, alarms on'],
    ['alarms off', status({ alarmsOn: false }), 'status/redis: up (pid 1234) 3600 seconds, normally up, alarms off'],
    ['paused flag ignored while down', status({ pid: 0, paused: true }), 'status/redis: down 3600 seconds, normally up, alarms on'],
  ])('%s', (_name, value, line) => {
    expect(formatStatusLine('status/redis', { running: true, status: value }, NOW_MS)).toBe(line);
  });

  it('says only "supervise not running" when nobody holds the ok FIFO, whatever status still says', () => {
    expect(formatStatusLine('status/redis', { running: false, status: status({}) }, NOW_MS)).toBe(
      'status/redis: supervise not running',
    );
  });

  it('counts whole seconds, taking the nanoseconds into account', () => {
    const value = status({ seconds: NOW_S - 2, nanoseconds: 500_000_000 });
    expect(formatStatusLine('s', { running: true, status: value }, NOW_MS)).toBe('s: up (pid 1234) 1 seconds, normally up, alarms on');
  });

  it('never prints negative seconds when the status was stamped by a clock ahead of ours', () => {
    const value = status({ seconds: NOW_S + 30 });
    expect(formatStatusLine('s', { running: true, status: value }, NOW_MS)).toBe('s: up (pid 1234) 0 seconds, normally up, alarms on');
  });
});

describe('labelOf', () => {
  it.each([
    ['status/redis/', 'status/redis'],
    ['status/redis//', 'status/redis'],
    ['/abs/status/x', '/abs/status/x'],
    ['/', '/'],
  ])('%s -> %s', (dir, label) => {
    expect(labelOf(dir)).toBe(label);
  });
});
