// alarm_alertmanager end to end (SPEC section 14): a real Alertmanager on
// 127.0.0.1 receives the alarm of a crash-looping service.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startExternalDaemon } from '../../helpers/external-daemon.js';
import { findRefusedPort } from '../../helpers/smtp-sink.js';
import { FIXTURES, readStatusJson, startSupervised } from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';

interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

function writeFile(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A real Alertmanager with clustering off, its data in a temporary directory, routing to a receiver that does nothing. */
async function startAlertmanager(root: string): Promise<string> {
  const config = writeFile(root, 'alertmanager.yml', ['route:', '  receiver: nobody', 'receivers:', '  - name: nobody']);
  const port = await findRefusedPort();
  const base = `http://127.0.0.1:${port}`;
  await startExternalDaemon(
    'prometheus-alertmanager',
    [`--config.file=${config}`, `--storage.path=${join(root, 'alertmanager-data')}`, '--cluster.listen-address=', `--web.listen-address=127.0.0.1:${port}`],
    `${base}/-/ready`,
  );
  return base;
}

describe('alarm_alertmanager', () => {
  it('posts the alarm of a crash-looping service, which Alertmanager shows with the labels and annotations of SPEC section 14', async () => {
    const root = makeTempDir();
    const base = await startAlertmanager(root);
    const conf = writeFile(root, 'supervise.conf', ['[global]', 'alarm_interval : 60', `alarm_alertmanager : ${base}`]);
    const { dir } = await startSupervised([join(FIXTURES, 'stderr-and-exit.sh'), '3'], { dir: join(root, 'status', 'crashy'), args: ['-F', conf] });

    const alerts = await waitFor(
      async () => {
        const list = (await (await fetch(`${base}/api/v2/alerts`)).json()) as ReceivedAlert[];
        return list.length > 0 ? list : undefined;
      },
      { what: 'an alert in Alertmanager', timeoutMs: 15_000 },
    );
    // One alarm per window: the later exits of the loop send none.
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert.labels).toEqual({ alertname: 'SuperviseServiceExited', module: 'crashy', instance: hostname(), severity: 'warning' });
    const host = hostname().replace(/\.baidu\.com$/, '');
    expect(alert.annotations.summary).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[Alarm: ${host}\\] Service crashy exited!$`));
    expect(alert.annotations.description).toContain(`status directory: ${dir}`);
    expect(alert.annotations.description).toContain('exit:             exited with code 3');
    expect(alert.annotations.description).toContain('stderr line 25 of');
    // endsAt is the end of the alarm window, 60 s after it opened.
    const windowOpened = Date.parse(readStatusJson(dir).alarmWindow?.openedAt ?? '');
    expect(Date.parse(alert.endsAt)).toBe(windowOpened + 60_000);
    expect(Date.parse(alert.startsAt)).toBeGreaterThanOrEqual(windowOpened);
    await waitForLog(dir, `alarm posted to ${base}/api/v2/alerts: `);
  });

  it('is a WARNING naming the URL and the reason when Alertmanager cannot be reached, and the service is restarted all the same', async () => {
    const root = makeTempDir();
    const port = await findRefusedPort();
    const conf = writeFile(root, 'supervise.conf', ['[global]', 'alarm_interval : 60', `alarm_alertmanager : http://127.0.0.1:${port}`]);
    const { dir } = await startSupervised([join(FIXTURES, 'exit-at-once.sh'), '3'], { dir: join(root, 'status', 'crashy'), args: ['-F', conf] });
    await waitForLog(dir, new RegExp(`^\\[WARNING\\] .* unable to post alarm to http://127\\.0\\.0\\.1:${port}/api/v2/alerts: .*ECONNREFUSED`, 'm'), 'supervise.log.wf');
    await waitFor(() => readStatusJson(dir).starts >= 3 || undefined, { what: 'three starts' });
  });
});
