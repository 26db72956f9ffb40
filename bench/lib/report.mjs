// The markdown table (medians with min-max, ours/peer ratios, goals) and the
// raw-samples JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ratio, summarize } from './stats.mjs';

const MIB = 1024;

/**
 * The goals of issue 5, each on the row it judges. evaluate() gets the
 * median of a row for a peer (undefined when missing) and returns true,
 * false, or null when a figure it needs was not measured.
 */
export const GOALS = [
  {
    row: 'restart',
    // Issue 9: with every peer exec'ing the service directly, at most 1.5x daemontools.
    text: '≤ 1.5× daemontools, < supervisord',
    evaluate: (m) => latencyGoal(1.5, m('restart', 'ours'), m('restart', 'daemontools'), m('restart', 'supervisord')),
  },
  {
    row: 'control',
    text: '≤ 2× daemontools, < supervisord',
    evaluate: (m) => latencyGoal(2, m('control', 'ours'), m('control', 'daemontools'), m('control', 'supervisord')),
  },
  { row: 'startup', text: 'ours < 150 ms', evaluate: (m) => known(m('startup', 'ours')) && m('startup', 'ours') < 150 },
  { row: 'crash-starts', text: '= daemontools', evaluate: (m) => known(m('crash-starts', 'ours'), m('crash-starts', 'daemontools')) && m('crash-starts', 'ours') === m('crash-starts', 'daemontools') },
  { row: 'idle-ticks', text: 'ours 0', evaluate: (m) => known(m('idle-ticks', 'ours')) && m('idle-ticks', 'ours') === 0 },
  { row: 'idle-switches', text: 'ours 0', evaluate: (m) => known(m('idle-switches', 'ours')) && m('idle-switches', 'ours') === 0 },
  { row: 'memN-pss', text: 'ours ≤ 8 MiB', evaluate: (m) => known(m('memN-pss', 'ours')) && m('memN-pss', 'ours') <= 8 * MIB },
  // Issue 11: supervise-scan at most 60 MiB in all at 50 services, and at most 300 KiB more per service added up to 500.
  {
    row: 'memScan-pss',
    text: 'ours-scan: ≤ 60 MiB in all at {memoryServices}, ≤ 300 KiB per added service',
    evaluate: (m, plan) => {
      const few = m('memN-pss', 'ours-scan');
      const many = m('memScan-pss', 'ours-scan');
      if (!known(few, many)) return null;
      const perAdded = (many * plan.scanServices - few * plan.memoryServices) / (plan.scanServices - plan.memoryServices);
      return few * plan.memoryServices <= 60 * MIB && perAdded <= 300;
    },
  },
  // Issue 11: one service among {memoryServices} restarts within 1.5x daemontools' svscan, and idle services cost nothing.
  {
    row: 'many-restart',
    text: 'ours-scan ≤ 1.5× daemontools',
    evaluate: (m) => known(m('many-restart', 'ours-scan'), m('many-restart', 'daemontools')) && m('many-restart', 'ours-scan') <= 1.5 * m('many-restart', 'daemontools'),
  },
  { row: 'many-idle-switches', text: 'ours-scan 0', evaluate: (m) => known(m('many-idle-switches', 'ours-scan')) && m('many-idle-switches', 'ours-scan') === 0 },
  // Issue 10: throughput at least that of the fastest C logger, CPU per MB at most 1.5x its.
  {
    row: 'throughput-wall',
    text: 'ours ≤ fastest C logger',
    evaluate: (m) => fastestOf(m, 'throughput-wall', (best) => m('throughput-wall', 'ours') <= best),
  },
  {
    row: 'throughput-cpu',
    text: "≤ 1.5× the fastest C logger's",
    evaluate: (m) => {
      const fastest = ['daemontools', 's6', 'runit'].filter((id) => Number.isFinite(m('throughput-wall', id))).sort((a, b) => m('throughput-wall', a) - m('throughput-wall', b))[0];
      return fastest === undefined ? null : known(m('throughput-cpu', 'ours'), m('throughput-cpu', fastest)) && m('throughput-cpu', 'ours') <= 1.5 * m('throughput-cpu', fastest);
    },
  },
];

/** multilog (daemontools), svlogd (runit), s6-log (s6): the best median of a row among them, handed to `judge`. */
function fastestOf(m, row, judge) {
  const values = ['daemontools', 'runit', 's6'].map((id) => m(row, id)).filter((value) => Number.isFinite(value));
  if (values.length === 0 || !Number.isFinite(m(row, 'ours'))) return null;
  return judge(Math.min(...values));
}

function known(...values) {
  return values.every((value) => Number.isFinite(value)) ? true : null;
}

function latencyGoal(factor, ours, daemontools, supervisord) {
  return known(ours, daemontools, supervisord) && ours <= factor * daemontools && ours < supervisord;
}

function formatNumber(value, unit) {
  if (!Number.isFinite(value)) return '?';
  if (unit === 'ms') return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
  return Number.isInteger(value) ? String(value) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function formatSummary(summary, unit) {
  const value = formatNumber(summary.median, unit);
  if (summary.n === 1 || summary.min === summary.max) return value;
  return `${value} (${formatNumber(summary.min, unit)}–${formatNumber(summary.max, unit)})`;
}

function substitute(title, plan) {
  return title.replace(/\{(\w+)\}/g, (_, key) => String(plan[key]));
}

/** Summaries per row and peer, and the goal verdicts. */
export function analyse({ rows, samples, errors, plan, peers }) {
  const summaries = {};
  for (const row of rows) {
    summaries[row.id] = {};
    for (const peer of peers) summaries[row.id][peer.id] = summarize(samples[row.id]?.[peer.id]);
  }
  const medianOf = (rowId, peerId) => summaries[rowId]?.[peerId]?.median;
  const goals = GOALS.filter((goal) => rows.some((row) => row.id === goal.row)).map((goal) => ({
    row: goal.row,
    text: substitute(goal.text, plan),
    pass: goal.evaluate(medianOf, plan),
  }));
  return { summaries, goals, titles: Object.fromEntries(rows.map((row) => [row.id, substitute(row.title, plan)])), errors };
}

/** The markdown table; errors become numbered footnotes under it. */
export function renderTable({ rows, peers, analysis }) {
  const footnotes = [];
  const header = ['metric', ...peers.map((peer) => peer.id), 'goal', 'result'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const oursSummary = analysis.summaries[row.id].ours;
    const cells = peers.map((peer) => {
      const error = analysis.errors[row.id]?.[peer.id];
      if (error) {
        footnotes.push(`${peer.id}, ${analysis.titles[row.id]}: ${error}`);
        return `error [${footnotes.length}]`;
      }
      const summary = analysis.summaries[row.id][peer.id];
      if (!summary) return '—';
      const text = formatSummary(summary, row.unit);
      const r = peer.id === 'ours' ? null : ratio(oursSummary?.median, summary.median);
      return r === null ? text : `${text} ×${r.toFixed(2)}`;
    });
    const goal = analysis.goals.find((candidate) => candidate.row === row.id);
    const result = !goal ? '' : goal.pass === null ? 'n/a' : goal.pass ? 'PASS' : '**FAIL**';
    const unit = row.unit === 'starts' || row.unit === 'ticks' || row.unit === 'switches' ? '' : ` (${row.unit})`;
    lines.push(`| ${analysis.titles[row.id]}${unit} | ${cells.join(' | ')} | ${goal?.text ?? ''} | ${result} |`);
  }
  const notes = footnotes.map((text, i) => `[${i + 1}] ${text.replace(/\s+/g, ' ')}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** Printed under the table, so that a pasted table keeps its caveats. */
export const NOTES = [
  'Every peer execs the service binary directly, no shell in between: for daemontools, runit and s6 `./run` is a symlink to stamp-service (mode and stamp file in the supervisor\'s environment), supervisord\'s `command=` and ours name the binary.',
  "Control latency includes starting each peer's tool (supervisorctl is Python); ours is a direct non-blocking write of `k` into `control`, no process started.",
  'Idle is measured from {settleSeconds} s after start-up, summed over every thread; the "after start-up" rows cover those first {settleSeconds} s (V8 runs its memory reducer once, 8-10 s after a Node process starts).',
  'Memory counts the supervisor processes only, summed and divided by the number of services.',
  "Peers' own pacing shows: s6 2.11 waits 1 s after a death before restarting; supervisord acts on a death at its next once-a-second loop turn (its poll is resumed after SIGCHLD), restarts a program that died within startsecs (1 s) with a growing backoff and gives up (FATAL) after startretries (3).",
];

/** The seconds after start-up, inside the idle window, in which ours was seen to wake (from the per-second series). */
function oursIdleWakeups(extras, plan) {
  const series = extras.idleSeries?.ours ?? [];
  return series.filter((sample, i) => i > 0 && sample.second > plan.settleSeconds && sample.switches > series[i - 1].switches).map((sample) => sample.second);
}

export function renderNotes(plan, extras) {
  const notes = NOTES.map((note) => substitute(note, plan));
  const wakeups = oursIdleWakeups(extras, plan);
  if (wakeups.length > 0) {
    notes.push(`Ours woke in the idle window ${wakeups.map((second) => `+${second} s`).join(', ')} after start-up (per-second counters: idleSeries in the JSON).`);
  }
  return notes.map((note) => `- ${note}`).join('\n');
}

/** Writes the raw samples to bench/results/<timestamp>.json and returns the path. */
export function writeResults(resultsDir, startedAt, document) {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}
