// The README's "Watching many hosts" is ready to use: its alert rules pass
// promtool (and fire as described), its Alertmanager route passes amtool, and
// its metric table names exactly the families supervise exports.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePrometheusMetrics } from '../../../src/codec/prometheus-metrics.js';
import type { StatusJson } from '../../../src/codec/status-json.js';
import { REPO_ROOT, runCommand } from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('\n## Watching many hosts\n'), README.indexOf('\n## ', README.indexOf('\n## Watching many hosts\n') + 5));

/** The fenced yaml block whose first line is `# NAME`. */
function yamlBlock(name: string): string {
  const match = new RegExp('```yaml\\n(# ' + name.replace('.', '\\.') + '\\n[\\s\\S]*?)```').exec(SECTION);
  if (match === null) throw new Error(`no yaml block "# ${name}" in README's Watching many hosts`);
  return match[1];
}

function writeTemp(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// Four series over 20 minutes: web should be up and went down at minute 2;
// api is up and restarts 12 times in the hour; db's supervise is gone.
const RULE_TESTS = `rule_files: [supervise-rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'supervise_service_want_up{module="web",dir="/srv/status/web",instance="h1"}'
        values: '1x20'
      - series: 'supervise_service_up{module="web",dir="/srv/status/web",instance="h1"}'
        values: '1 1 0x18'
      - series: 'supervise_service_starts_total{module="api",dir="/srv/status/api",instance="h1"}'
        values: '1+1x12 13x7'
      - series: 'supervise_up{module="db",dir="/srv/status/db",instance="h1"}'
        values: '1 0x19'
    alert_rule_test:
      - eval_time: 4m
        alertname: SuperviseServiceDown
        exp_alerts: []
      - eval_time: 8m
        alertname: SuperviseServiceDown
        exp_alerts:
          - exp_labels: {severity: critical, module: web, dir: /srv/status/web, instance: h1}
            exp_annotations:
              summary: web on h1 is down while it should be up
              description: /srv/status/web has had no service pid for 5 minutes; see supervise.log.wf and __stderr there.
      - eval_time: 15m
        alertname: SuperviseServiceRestarting
        exp_alerts:
          - exp_labels: {severity: warning, module: api, dir: /srv/status/api, instance: h1}
            exp_annotations:
              summary: api on h1 restarted about 12 times in the last hour
              description: /srv/status/api keeps exiting; supervisectl logs --stderr /srv/status/api shows why.
      - eval_time: 8m
        alertname: SuperviseNotRunning
        exp_alerts:
          - exp_labels: {severity: critical, module: db, dir: /srv/status/db, instance: h1}
            exp_annotations:
              summary: no supervise runs on /srv/status/db on h1
              description: Nothing restarts db there; start it again with its start script.
`;

describe("README's Watching many hosts", () => {
  it('has an alert rule file that promtool check rules accepts', async () => {
    const dir = makeTempDir();
    const rules = writeTemp(dir, 'supervise-rules.yml', yamlBlock('supervise-rules.yml'));
    const result = await runCommand('promtool', ['check', 'rules', rules]);
    expect(result, result.stdout + result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('SUCCESS: 3 rules found');
  });

  it('has alert rules that fire as it says (promtool test rules)', async () => {
    const dir = makeTempDir();
    writeTemp(dir, 'supervise-rules.yml', yamlBlock('supervise-rules.yml'));
    const tests = writeTemp(dir, 'supervise-rules.test.yml', RULE_TESTS);
    const result = await runCommand('promtool', ['test', 'rules', tests], { cwd: dir });
    expect(result, result.stdout + result.stderr).toMatchObject({ code: 0 });
  });

  it('has an Alertmanager route that amtool check-config accepts', async () => {
    const dir = makeTempDir();
    const config = writeTemp(dir, 'alertmanager.yml', yamlBlock('alertmanager.yml'));
    const result = await runCommand('amtool', ['check-config', config]);
    expect(result, result.stdout + result.stderr).toMatchObject({ code: 0 });
  });

  it('lists in its metric table exactly the families supervise exports', () => {
    const documented = [...SECTION.matchAll(/^\| `(supervise_[a-z_]+)` \| (gauge|counter) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    const status = {
      module: 'm', statusDir: '/s', supervisePid: 1, pid: 2, state: 'up', since: '2026-01-01T00:00:00.000Z', want: 'up',
      paused: false, alarms: 'on', command: ['x'], starts: 1,
      lastExit: { code: 1, signal: null, coreDumped: false, at: '2026-01-01T00:00:00.000Z', uptimeSeconds: 1, expected: false },
      alarmWindow: null, limits: { alarmInterval: 0, maxTries: 0, maxTriesIfCoredumped: 0, stopTimeout: 0 },
      exits: { expected: 0, unexpected: 1, expectedCoreDumps: 0, unexpectedCoreDumps: 0 },
    } as StatusJson;
    const exported = [...encodePrometheusMetrics([{ dir: '/s', supervised: true, status }]).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(documented).toEqual(exported);
  });
});
