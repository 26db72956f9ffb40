// Status directories -> the Prometheus text exposition format (SPEC section
// 14), for `supervisectl metrics`, serve's /metrics and metrics_dir files.
// Pure: callers read status.json and probe `ok`; this only formats.
import { constants } from 'node:os';
import { moduleNameOf } from '../core/module-name.js';
import type { StatusJson } from './status-json.js';

/** One status directory as the metrics see it. */
export interface MetricsSource {
  /** The status directory, as its `dir` label shows it (callers pass it absolute). */
  readonly dir: string;
  /** A supervise runs on it (the `ok` test). */
  readonly supervised: boolean;
  /** Its status.json, or null when there is none to read. */
  readonly status: StatusJson | null;
}

type Labels = Readonly<Record<string, string>>;

interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  /** The samples of one directory; none when its state does not give this value. */
  readonly samples: (status: StatusJson, labels: Labels) => Sample[];
}

function one(labels: Labels, value: number | boolean): Sample[] {
  return [{ labels, value: typeof value === 'boolean' ? Number(value) : value }];
}

/** The code, or 128 + the signal's number as a shell reports a killed command. */
export function exitCodeOf(exit: { code: number | null; signal: string | null }): number | null {
  if (exit.code !== null) return exit.code;
  if (exit.signal === null) return null;
  const number = (constants.signals as Record<string, number | undefined>)[exit.signal];
  return number === undefined ? null : 128 + number;
}

const SUPERVISE_UP = 'supervise_up';

// The families after supervise_up, in SPEC section 14's order; they exist only
// while a supervise runs, since a stale status.json would report a dead
// supervise's service as up.
const SERVICE_FAMILIES: readonly Family[] = [
  {
    name: 'supervise_service_up',
    type: 'gauge',
    help: '1 while status names a service pid.',
    samples: (status, labels) => one(labels, status.pid > 0),
  },
  {
    name: 'supervise_service_want_up',
    type: 'gauge',
    help: '1 when the service is wanted up (want u).',
    samples: (status, labels) => one(labels, status.want === 'up'),
  },
  {
    name: 'supervise_service_paused',
    type: 'gauge',
    help: '1 when the service is paused.',
    samples: (status, labels) => one(labels, status.paused),
  },
  {
    name: 'supervise_service_ready',
    type: 'gauge',
    help: '1 when the service is up and ready (up counts as ready without ready_fd).',
    // A status.json written before section 15 has no `ready`: up then counts as ready.
    samples: (status, labels) => one(labels, status.pid > 0 && status.ready !== false),
  },
  {
    name: 'supervise_service_start_time_seconds',
    type: 'gauge',
    help: 'Unix time of the last service pid change.',
    samples: (status, labels) => {
      const since = Date.parse(status.since);
      return Number.isFinite(since) ? one(labels, since / 1000) : [];
    },
  },
  {
    name: 'supervise_service_starts_total',
    type: 'counter',
    help: 'Service starts since this supervise started.',
    samples: (status, labels) => one(labels, status.starts),
  },
  {
    name: 'supervise_service_exits_total',
    type: 'counter',
    help: 'Service exits since this supervise started, by whether supervise caused them and whether they dumped core.',
    samples: (status, labels) => {
      const counts = status.exits as StatusJson['exits'] | undefined;
      if (counts === undefined) return [];
      return [
        { labels: { ...labels, expected: 'false', coredump: 'false' }, value: counts.unexpected },
        { labels: { ...labels, expected: 'false', coredump: 'true' }, value: counts.unexpectedCoreDumps },
        { labels: { ...labels, expected: 'true', coredump: 'false' }, value: counts.expected },
        { labels: { ...labels, expected: 'true', coredump: 'true' }, value: counts.expectedCoreDumps },
      ];
    },
  },
  {
    name: 'supervise_service_last_exit_code',
    type: 'gauge',
    help: 'Exit code of the last service exit, or 128 + the signal number.',
    samples: (status, labels) => {
      const code = status.lastExit === null ? null : exitCodeOf(status.lastExit);
      return code === null ? [] : one(labels, code);
    },
  },
  {
    name: 'supervise_alarms_on',
    type: 'gauge',
    help: '1 when alarms are on (not silenced).',
    samples: (status, labels) => one(labels, status.alarms === 'on'),
  },
  {
    name: 'supervise_alarm_window_exits',
    type: 'gauge',
    help: 'Exits counted in the open alarm window, 0 when none is open.',
    samples: (status, labels) => one(labels, status.alarmWindow?.exits ?? 0),
  },
];

/** A label value as the exposition format quotes it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatSample(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels)
    .map(([key, value]) => `${key}="${escapeLabelValue(value)}"`)
    .join(',');
  return `${name}{${labels}} ${sample.value}\n`;
}

function formatFamily(family: Pick<Family, 'name' | 'type' | 'help'>, samples: readonly Sample[]): string {
  // A family without samples is left out: promtool and scrapers expect HELP/TYPE to describe a series.
  if (samples.length === 0) return '';
  const lines = [`# HELP ${family.name} ${family.help}\n`, `# TYPE ${family.name} ${family.type}\n`];
  for (const sample of samples) lines.push(formatSample(family.name, sample));
  return lines.join('');
}

/**
 * The text format for the given directories: each family once, with HELP and
 * TYPE, its samples for every directory together (the format requires it).
 * A directory listed twice is shown once, since duplicate series fail a scrape.
 */
export function encodePrometheusMetrics(sources: readonly MetricsSource[]): string {
  const seen = new Set<string>();
  const unique = sources.filter((source) => !seen.has(source.dir) && seen.add(source.dir));
  const labelled = unique.map((source) => ({
    source,
    labels: { module: source.status?.module ?? moduleNameOf(source.dir), dir: source.dir } as Labels,
  }));
  let text = formatFamily(
    { name: SUPERVISE_UP, type: 'gauge', help: '1 while a supervise runs on the status directory (the ok test).' },
    labelled.map(({ source, labels }) => ({ labels, value: Number(source.supervised) })),
  );
  for (const family of SERVICE_FAMILIES) {
    const samples = labelled.flatMap(({ source, labels }) =>
      source.supervised && source.status !== null ? family.samples(source.status, labels) : [],
    );
    text += formatFamily(family, samples);
  }
  return text;
}
