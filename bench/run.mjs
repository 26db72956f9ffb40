#!/usr/bin/env node
// npm run bench: our supervise against daemontools, runit, s6 and
// supervisord, side by side. See bench/README.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GROUPS, METRIC_NAMES, ROWS, plan as makePlan } from './lib/metrics.mjs';
import { PEERS, killAllDeploymentsSync, liveDeploymentCount } from './lib/peers/index.mjs';
import { analyse, renderNotes, renderTable, writeResults } from './lib/report.mjs';
import { buildFixture, installMissingPeers } from './lib/setup.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: node bench/run.mjs [--quick] [--latency-runs=N] [--only=METRIC[,METRIC]] [--peers=PEER[,PEER]] [--no-install]

  --quick        fewer repetitions (5 latency runs, 3 start-ups, 5 s idle, 10 services for memory)
  --latency-runs=N  restart and control runs per peer (default 20, 5 with --quick): more runs, steadier medians
  --only=...     metrics to run: ${METRIC_NAMES.join(', ')}
  --peers=...    supervisors to run: ${PEERS.map((peer) => peer.id).join(', ')}
  --no-install   do not apt-get install missing peers; leave them out

Prints a markdown table on stdout, progress on stderr, and writes the raw
samples to bench/results/<timestamp>.json. Exit status: 0 when every
measurement was taken (goals may still fail), 2 when some failed, 1 when the
run could not start, 130 when interrupted.`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'latency-runs': { type: 'string' },
      only: { type: 'string' },
      peers: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const list = (text, known, option) => {
    if (text === undefined) return known;
    const names = text.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !known.includes(name));
    if (unknown.length || names.length === 0) {
      throw new Error(`--${option}: unknown ${unknown.join(', ') || 'empty list'}; expected some of ${known.join(', ')}`);
    }
    return names;
  };
  return {
    help: values.help,
    quick: values.quick,
    latencyRuns: latencyRunsOf(values['latency-runs']),
    install: !values['no-install'],
    metrics: list(values.only, METRIC_NAMES, 'only'),
    peerIds: list(values.peers, PEERS.map((peer) => peer.id), 'peers'),
  };
}

function latencyRunsOf(text) {
  if (text === undefined) return null;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error(`--latency-runs: ${text} is not a whole number from 1 to 1000`);
  return runs;
}

const log = (message) => process.stderr.write(`bench: ${message}\n`);

let root;
function tearDownSync() {
  killAllDeploymentsSync();
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 1;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const startedAt = new Date();
  const loadStart = loadavg()[0];
  const selectedPeers = PEERS.filter((peer) => options.peerIds.includes(peer.id));
  const unavailable = installMissingPeers(selectedPeers, log, { install: options.install });
  for (const [id, why] of unavailable) log(`${id} left out: ${why}`);
  const peers = selectedPeers.filter((peer) => !unavailable.has(peer.id));
  if (peers.length === 0) {
    log('no supervisor to measure');
    return 1;
  }
  const fixture = buildFixture(log);
  const plan = makePlan(options.quick, options.latencyRuns);
  const rows = ROWS.filter((row) => options.metrics.includes(row.metric));

  root = mkdtempSync('/tmp/supervise-bench-');
  const samples = {};
  const errors = {};
  /** Data beside the samples, for the JSON: per-second idle counters. */
  const extras = {};
  let deployments = 0;
  const ctx = {
    root,
    peers,
    fixture,
    plan,
    log,
    progress: (message) => log(`[${((Date.now() - startedAt) / 1000).toFixed(0)} s] ${message}`),
    wants: (rowId) => rows.some((row) => row.id === rowId),
    newDeployment: (peer, purpose, services) =>
      peer.deploy({ peer, dir: join(root, `${peer.id}-${purpose}-${++deployments}`), fixture, services }),
    record: (rowId, peerId, value) => ((samples[rowId] ??= {})[peerId] ??= []).push(value),
    attach: (key, peerId, value) => ((extras[key] ??= {})[peerId] = value),
    fail: (rowIds, peerId, error) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`${peerId}: ${rowIds.join(', ')}: ${message}`);
      for (const rowId of rowIds) (errors[rowId] ??= {})[peerId] ??= message;
    },
  };

  try {
    for (const group of GROUPS) await group(ctx);
  } finally {
    if (liveDeploymentCount() > 0) log(`${liveDeploymentCount()} deployment(s) still up after the run; killing them`);
    tearDownSync();
  }

  const analysis = analyse({ rows, samples, errors, plan, peers });
  const versions = peers.map((peer) => `${peer.id} ${peer.version()}`);
  const header = [
    `## supervise bench, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${options.quick ? ' (--quick)' : ''}`,
    '',
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Linux ${release()}, load ${loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)}; ` +
      `${plan.latencyRuns} latency runs, ${plan.startupRuns} start-ups, ${plan.crashSeconds} s crash loop, ${plan.idleSeconds} s idle, ${plan.memoryServices} services for memory.`,
    `Versions: ${versions.join('; ')}.`,
    'Cells: median (min–max); ×N is ours ÷ that peer (below 1: ours is lower).',
    '',
  ];
  process.stdout.write(`${[...header, renderTable({ rows, peers, analysis }), '', renderNotes(plan, extras)].join('\n')}\n`);

  const path = writeResults(join(benchDir, 'results'), startedAt, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    plan,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, kernel: release(), loadStart, loadEnd: loadavg()[0] },
    peers: selectedPeers.map((peer) => ({
      id: peer.id,
      label: peer.label,
      version: unavailable.has(peer.id) ? null : peer.version(),
      binaries: peer.binaries,
      killCommand: peer.killCommand,
      unavailable: unavailable.get(peer.id) ?? null,
    })),
    rows: rows.map((row) => ({
      id: row.id,
      title: analysis.titles[row.id],
      unit: row.unit,
      samples: samples[row.id] ?? {},
      summaries: analysis.summaries[row.id],
      errors: errors[row.id] ?? {},
    })),
    goals: analysis.goals,
    ...extras,
  });
  log(`raw samples: ${path}`);
  return Object.keys(errors).length > 0 ? 2 : 0;
}

process.on('exit', tearDownSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: tearing down every supervisor started`);
    tearDownSync();
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    log(`failed: ${error.stack ?? error}`);
    tearDownSync();
    process.exitCode = 1;
  },
);
