import { describe, expect, it } from 'vitest';
import { alertsUrlOf, buildAlertmanagerAlerts } from '../../../src/alarm/alertmanager-alert.js';
import type { AlarmReport, RenderedAlarm } from '../../../src/alarm/render-alarm.js';

const OPENED = Date.UTC(2026, 10, 21, 7, 51, 0);
const NOW = OPENED + 21_400;

const report: AlarmReport = {
  kind: 'exit',
  host: 'db-01.example.org',
  module: 'redis',
  statusDir: '/srv/status/redis',
  command: ['redis-server'],
  pid: 4242,
  exit: { code: 3, signal: null, coreDumped: false, uptimeMs: 120 },
  window: { exits: 1, coreDumps: 0, seconds: 60, openedAt: OPENED },
  next: 'restarting in 0.9 s',
  stderrTail: [],
  at: NOW,
};

const rendered: RenderedAlarm = {
  subject: '2026-11-21 15:51:21 [Alarm: db-01.example.org] Service redis exited!',
  body: 'time: ...\nmodule: redis\n',
  shortText: '[Alarm: db-01.example.org] Service redis exited!',
};

describe('buildAlertmanagerAlerts', () => {
  it('makes one warning alert with the labels and annotations of SPEC section 14, ending with the window', () => {
    expect(buildAlertmanagerAlerts(report, rendered, NOW)).toEqual([
      {
        labels: { alertname: 'SuperviseServiceExited', module: 'redis', instance: 'db-01.example.org', severity: 'warning' },
        annotations: { summary: rendered.subject, description: rendered.body },
        startsAt: '2026-11-21T07:51:21.400Z',
        endsAt: '2026-11-21T07:52:00.000Z',
      },
    ]);
  });

  it('makes giving up a critical SuperviseGaveUp', () => {
    const [alert] = buildAlertmanagerAlerts({ ...report, kind: 'gave-up' }, rendered, NOW);
    expect(alert.labels).toMatchObject({ alertname: 'SuperviseGaveUp', severity: 'critical' });
  });

  it('keeps endsAt after startsAt when the window closes as it is reported, so the alert is not resolved on arrival', () => {
    const [alert] = buildAlertmanagerAlerts(report, rendered, OPENED + 60_000);
    expect(alert.endsAt).toBe('2026-11-21T07:52:01.000Z');
  });
});

describe('alertsUrlOf', () => {
  it.each([
    ['http://127.0.0.1:9093', 'http://127.0.0.1:9093/api/v2/alerts'],
    ['http://127.0.0.1:9093/', 'http://127.0.0.1:9093/api/v2/alerts'],
    ['https://am.corp/alertmanager/', 'https://am.corp/alertmanager/api/v2/alerts'],
    ['http://u:p@am.corp:9093', 'http://u:p@am.corp:9093/api/v2/alerts'],
  ])('%s -> %s', (base, url) => {
    expect(alertsUrlOf(base)).toBe(url);
  });
});
