import { describe, expect, it } from 'vitest';
import { encodePrometheusMetrics, escapeLabelValue, exitCodeOf, type MetricsSource } from '../../../src/codec/prometheus-metrics.js';
import type { StatusJson } from '../../../src/codec/status-json.js';

const status: StatusJson = {
  module: 'redis',
  statusDir: '/srv/status/redis',
  supervisePid: 10,
  pid: 1234,
  state: 'up',
  since: '2026-11-21T07:51:21.500Z',
  want: 'up',
  paused: false,
  alarms: 'on',
  command: ['redis-server'],
  starts: 3,
  lastExit: { code: null, signal: 'SIGSEGV', coreDumped: true, at: '2026-11-21T07:51:20.000Z', uptimeSeconds: 1, expected: false },
  alarmWindow: { openedAt: '2026-11-21T07:51:00.000Z', exits: 2, coreDumps: 1 },
  limits: { alarmInterval: 60, maxTries: 10, maxTriesIfCoredumped: 5, stopTimeout: 0 },
  exits: { expected: 4, unexpected: 1, expectedCoreDumps: 0, unexpectedCoreDumps: 1 },
  ready: true,
  readySince: '2026-11-21T07:51:21.500Z',
  readyTimedOut: false,
  nextStartAt: null,
  superviseStartedAt: '2026-11-21T07:50:00.000Z',
  session: 10,
  killMode: 'mixed',
};

const up: MetricsSource = { dir: '/srv/status/redis', supervised: true, status };

/** The sample lines of one family, without HELP and TYPE. */
function samplesOf(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`));
}

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and newline as the exposition format says', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('leaves other characters, UTF-8 and tabs included, as they are', () => {
    expect(escapeLabelValue('mod-é\t{x}=1,')).toBe('mod-é\t{x}=1,');
  });
});

describe('exitCodeOf', () => {
  it('is the code for a normal exit and 128 + the signal number for a killed one', () => {
    expect(exitCodeOf({ code: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitCodeOf({ code: null, signal: 'SIGSEGV' })).toBe(139);
    expect(exitCodeOf({ code: null, signal: 'SIGNOPE' })).toBeNull();
  });
});

describe('encodePrometheusMetrics', () => {
  it('gives every family of SPEC section 14 for a running supervise, in its order', () => {
    const text = encodePrometheusMetrics([up]);
    const labels = 'module="redis",dir="/srv/status/redis"';
    expect(text.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      `supervise_up{${labels}} 1`,
      `supervise_service_up{${labels}} 1`,
      `supervise_service_want_up{${labels}} 1`,
      `supervise_service_paused{${labels}} 0`,
      `supervise_service_ready{${labels}} 1`,
      `supervise_service_start_time_seconds{${labels}} 1795247481.5`,
      `supervise_service_starts_total{${labels}} 3`,
      `supervise_service_exits_total{${labels},expected="false",coredump="false"} 1`,
      `supervise_service_exits_total{${labels},expected="false",coredump="true"} 1`,
      `supervise_service_exits_total{${labels},expected="true",coredump="false"} 4`,
      `supervise_service_exits_total{${labels},expected="true",coredump="true"} 0`,
      `supervise_service_last_exit_code{${labels}} 139`,
      `supervise_alarms_on{${labels}} 1`,
      `supervise_alarm_window_exits{${labels}} 2`,
      '',
    ]);
  });

  it('writes HELP and TYPE once per family, before all its samples, whatever the number of directories', () => {
    const other: MetricsSource = { dir: '/srv/status/web', supervised: true, status: { ...status, module: 'web', pid: 0, state: 'down' } };
    const lines = encodePrometheusMetrics([up, other]).split('\n');
    expect(lines.filter((line) => line === '# TYPE supervise_service_up gauge')).toHaveLength(1);
    expect(lines.filter((line) => line === '# TYPE supervise_service_starts_total counter')).toHaveLength(1);
    const type = lines.indexOf('# TYPE supervise_service_up gauge');
    expect(lines.slice(type + 1, type + 3)).toEqual([
      'supervise_service_up{module="redis",dir="/srv/status/redis"} 1',
      'supervise_service_up{module="web",dir="/srv/status/web"} 0',
    ]);
  });

  it('escapes module and dir label values holding a quote, a backslash and a newline', () => {
    const dir = '/srv/status/a"b\\c\nd';
    const text = encodePrometheusMetrics([{ dir, supervised: true, status: { ...status, module: 'a"b\\c\nd' } }]);
    expect(samplesOf(text, 'supervise_up')).toEqual(['supervise_up{module="a\\"b\\\\c\\nd",dir="/srv/status/a\\"b\\\\c\\nd"} 1']);
    // Every sample stays on one line.
    expect(text.split('\n').every((line) => line === '' || line.startsWith('#') || line.startsWith('supervise_'))).toBe(true);
  });

  it('shows only supervise_up 0 for a directory without a supervise, with the module from its path, even with a stale status.json', () => {
    const text = encodePrometheusMetrics([{ dir: '/srv/status/gone', supervised: false, status: { ...status, module: 'gone' } }]);
    expect(text).toBe(
      '# HELP supervise_up 1 while a supervise runs on the status directory (the ok test).\n' +
        '# TYPE supervise_up gauge\n' +
        'supervise_up{module="gone",dir="/srv/status/gone"} 0\n',
    );
    expect(encodePrometheusMetrics([{ dir: '/x/status/svc', supervised: false, status: null }])).toContain(
      'supervise_up{module="svc",dir="/x/status/svc"} 0',
    );
  });

  it('counts up as ready without a ready field, and follows ready when status.json has it', () => {
    const ready = (extra: object, pid = 5) =>
      samplesOf(encodePrometheusMetrics([{ ...up, status: { ...status, pid, ...extra } as StatusJson }]), 'supervise_service_ready');
    expect(ready({})).toEqual(['supervise_service_ready{module="redis",dir="/srv/status/redis"} 1']);
    expect(ready({ ready: false })).toEqual(['supervise_service_ready{module="redis",dir="/srv/status/redis"} 0']);
    expect(ready({ ready: true }, 0)).toEqual(['supervise_service_ready{module="redis",dir="/srv/status/redis"} 0']);
  });

  it('leaves out what status.json does not hold: no last exit yet, no exit counts from an older supervise', () => {
    const older = { ...status, lastExit: null, exits: undefined } as unknown as StatusJson;
    const text = encodePrometheusMetrics([{ ...up, status: older }]);
    expect(text).not.toContain('supervise_service_last_exit_code');
    expect(text).not.toContain('supervise_service_exits_total');
    expect(samplesOf(text, 'supervise_service_starts_total')).toHaveLength(1);
  });

  it('shows a directory listed twice once, since duplicate series fail a scrape', () => {
    expect(samplesOf(encodePrometheusMetrics([up, up]), 'supervise_up')).toHaveLength(1);
  });

  it('is empty for no directories', () => {
    expect(encodePrometheusMetrics([])).toBe('');
  });
});
