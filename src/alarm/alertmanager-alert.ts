// An alarm as one Alertmanager alert (SPEC section 14). Pure: the rendered
// mail gives summary and description, the report the labels and the times.
import type { AlarmReport, RenderedAlarm } from './render-alarm.js';

/** One element of the JSON array Alertmanager's POST /api/v2/alerts takes. */
export interface AlertmanagerAlert {
  labels: { alertname: string; module: string; instance: string; severity: 'warning' | 'critical' };
  annotations: { summary: string; description: string };
  startsAt: string;
  endsAt: string;
}

// SPEC section 14 names two alerts: an exit that is not restarted (no_restart_exit_codes) is still an exit.
export const ALERT_NAMES = { exit: 'SuperviseServiceExited', 'no-restart': 'SuperviseServiceExited', 'gave-up': 'SuperviseGaveUp' } as const;

/**
 * `startsAt` is `now`; `endsAt` is the end of the alarm window, so the alert
 * resolves by itself when no later exit opens a new one. An end that is not
 * after `now` (a window that closed as it was reported) is moved to one second
 * after it, since Alertmanager drops an alert that is resolved on arrival.
 */
export function buildAlertmanagerAlerts(report: AlarmReport, rendered: RenderedAlarm, now: number): AlertmanagerAlert[] {
  const windowEnd = report.window.openedAt + report.window.seconds * 1000;
  return [
    {
      labels: {
        alertname: ALERT_NAMES[report.kind],
        module: report.module,
        instance: report.host,
        severity: report.kind === 'gave-up' ? 'critical' : 'warning',
      },
      annotations: { summary: rendered.subject, description: rendered.body },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(Math.max(windowEnd, now + 1000)).toISOString(),
    },
  ];
}

/** `http://HOST:PORT[/prefix]` -> the alerts endpoint under it. */
export function alertsUrlOf(base: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
