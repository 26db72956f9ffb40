// SPEC section 14's metrics end to end: `supervisectl metrics` checked by a
// real promtool, and metrics_dir read by a real node_exporter.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startExternalDaemon } from '../../helpers/external-daemon.js';
import { findRefusedPort } from '../../helpers/smtp-sink.js';
import {
  FIXTURES,
  FOREVER,
  runCommand,
  startSupervised,
  SUPERVISECTL_BIN,
  waitForDaemonExit,
  waitForServicePid,
  writeControl,
} from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';

const FAMILIES = [
  'supervise_up',
  'supervise_service_up',
  'supervise_service_want_up',
  'supervise_service_paused',
  'supervise_service_ready',
  'supervise_service_start_time_seconds',
  'supervise_service_starts_total',
  'supervise_service_exits_total',
  'supervise_service_last_exit_code',
  'supervise_alarms_on',
  'supervise_alarm_window_exits',
];

function writeConfig(dir: string, lines: string[]): string {
  const path = join(dir, 'supervise.conf');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Runs a program with `input` on its stdin, no shell. */
function runWithInput(file: string, args: string[], input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

/** The value of the first sample of `name` whose labels include every fragment (in any order, as node_exporter sorts them), or undefined. */
function sampleValue(text: string, name: string, ...fragments: string[]): number | undefined {
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && fragments.every((fragment) => l.includes(fragment)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('supervisectl metrics', () => {
  it('prints every family for several directories, one crash-looping and one without a supervise, and promtool check metrics accepts it', async () => {
    const root = makeTempDir();
    const conf = writeConfig(root, ['[global]', 'alarm_interval : 60']);
    const steady = await startSupervised([FOREVER], { dir: join(root, 'status', 'steady'), args: ['-F', conf] });
    const crashing = await startSupervised([join(FIXTURES, 'crash-signal.sh'), 'SEGV'], { dir: join(root, 'status', 'crashing'), args: ['-F', conf] });
    const gone = await startSupervised([FOREVER], { dir: join(root, 'status', 'gone'), args: ['-F', conf] });
    // An expected exit on the steady one, and a directory whose supervise has exited.
    writeControl(steady.dir, 'k');
    await waitForServicePid(steady.dir, steady.servicePid);
    writeControl(gone.dir, 'dx');
    await waitForDaemonExit(gone.daemonPid);
    await waitForLog(crashing.dir, /started, pid \d+[\s\S]*started, pid \d+[\s\S]*started, pid/, 'supervise.log', 15_000);

    const result = await runCommand(SUPERVISECTL_BIN, ['metrics', steady.dir, crashing.dir, gone.dir]);
    // The directory without a supervise counts as not running, as for status.
    expect(result.code).toBe(1);
    const text = result.stdout;
    for (const family of FAMILIES) {
      expect(text).toContain(`# HELP ${family} `);
      expect(text.match(new RegExp(`^# TYPE ${family} `, 'gm'))).toHaveLength(1);
    }
    const crashLabels = `module="crashing",dir="${crashing.dir}"`;
    expect(sampleValue(text, 'supervise_service_last_exit_code', crashLabels)).toBe(128 + 11);
    expect(sampleValue(text, 'supervise_alarm_window_exits', crashLabels)).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'supervise_service_exits_total', crashLabels, 'expected="false"', 'coredump="true"')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'supervise_service_exits_total', `module="steady",dir="${steady.dir}"`, 'expected="true"', 'coredump="false"')).toBe(1);
    expect(sampleValue(text, 'supervise_service_starts_total', `module="steady",dir="${steady.dir}"`)).toBe(2);
    expect(sampleValue(text, 'supervise_up', `module="gone",dir="${gone.dir}"`)).toBe(0);
    expect(sampleValue(text, 'supervise_service_up', `module="gone"`)).toBeUndefined();

    const check = await runWithInput('promtool', ['check', 'metrics'], text);
    expect(check, check.output).toEqual({ code: 0, output: '' });
  });
});

describe('metrics_dir', () => {
  it('is read by a real node_exporter, whose supervise_service_starts_total rises after each k, and says supervise_up 0 after exit', async () => {
    const root = makeTempDir();
    const textfiles = join(root, 'textfile');
    mkdirSync(textfiles);
    const conf = writeConfig(root, ['[global]', `metrics_dir : ${textfiles}`]);
    const port = await findRefusedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    await startExternalDaemon(
      'prometheus-node-exporter',
      ['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${textfiles}`, `--web.listen-address=127.0.0.1:${port}`],
      url,
    );
    const service = await startSupervised([FOREVER], { dir: join(root, 'status', 'web'), args: ['-F', conf] });
    const labels = [`dir="${service.dir}"`, 'module="web"'];
    const scrape = async () => (await fetch(url)).text();
    const waitForStarts = (starts: number) =>
      waitFor(async () => sampleValue(await scrape(), 'supervise_service_starts_total', ...labels) === starts, {
        what: `supervise_service_starts_total ${starts} from node_exporter`,
        timeoutMs: 10_000,
      });

    await waitForStarts(1);
    let pid = service.servicePid;
    for (const starts of [2, 3]) {
      writeControl(service.dir, 'k');
      pid = await waitForServicePid(service.dir, pid);
      await waitForStarts(starts);
    }
    const text = await scrape();
    expect(sampleValue(text, 'supervise_up', ...labels)).toBe(1);
    expect(sampleValue(text, 'supervise_service_exits_total', ...labels, 'expected="true"', 'coredump="false"')).toBe(2);
    // node_exporter says it read the file without error.
    expect(sampleValue(text, 'node_textfile_scrape_error')).toBe(0);
    // No timestamps: node_exporter refuses files that have them.
    expect(readFileSync(join(textfiles, 'supervise_web.prom'), 'utf8')).toMatch(/^supervise_service_starts_total\{[^}]*\} 3$/m);

    writeControl(service.dir, 'dx');
    await waitForDaemonExit(service.daemonPid);
    await waitFor(async () => sampleValue(await scrape(), 'supervise_up', ...labels) === 0, {
      what: 'supervise_up 0 from node_exporter after supervise exited',
    });
    expect(readFileSync(join(textfiles, 'supervise_web.prom'), 'utf8')).not.toContain('supervise_service_up');
  });

  it('warns once in supervise.log.wf when it cannot write the file, and supervision goes on', async () => {
    const root = makeTempDir();
    const missing = join(root, 'no-such-dir');
    const conf = writeConfig(root, ['[global]', `metrics_dir : ${missing}`]);
    const service = await startSupervised([FOREVER], { dir: join(root, 'status', 'web'), args: ['-F', conf] });
    const expected = `unable to write ${missing}/supervise_web.prom: `;
    await waitForLog(service.dir, expected, 'supervise.log.wf');
    writeControl(service.dir, 'k');
    await waitForServicePid(service.dir, service.servicePid);
    await waitForLog(service.dir, /started, pid \d+[\s\S]*started, pid \d+/);
    const warnings = readFileSync(join(service.dir, 'supervise.log.wf'), 'utf8').split('\n').filter((line) => line.includes(expected));
    expect(warnings).toHaveLength(1);
  });
});
