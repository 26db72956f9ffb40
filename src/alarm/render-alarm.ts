// Turns an alarm into the mail subject, the mail body and the one-line gsm text (SPEC section 5).
// Pure: host and time come in with the report, so tests pin every byte.
import { formatLocalTime } from '../codec/local-time.js';
import { escapeControlCharacters } from '../codec/visible-text.js';
import { describeExit } from '../core/types.js';

/** Everything an alarm says, gathered by the supervisor at the moment of the exit. */
export interface AlarmReport {
  /**
   * `exit`: the first unexpected exit of a window; `gave-up`: a limit was passed and supervise exits;
   * `no-restart`: an exit code of no_restart_exit_codes, after which the service stays down.
   */
  kind: 'exit' | 'gave-up' | 'no-restart';
  /** The machine's host name as os.hostname() gives it. */
  host: string;
  module: string;
  statusDir: string;
  /** The service's argv. */
  command: string[];
  /** Pid of the service that exited. */
  pid: number;
  exit: {
    code: number | null;
    signal: string | null;
    coreDumped: boolean;
    uptimeMs: number;
  };
  /** The open alarm window: unexpected exits and core dumps counted in it, its span in seconds, and when it opened (Unix ms). */
  window: { exits: number; coreDumps: number; seconds: number; openedAt: number };
  /** What supervise does next, e.g. 'restarting in 1 s' or 'supervise gave up and exited'. */
  next: string;
  /** Last lines of __stderr, oldest first. */
  stderrTail: string[];
  /** Unix milliseconds of the exit; rendered in the local time zone, like the logs. */
  at: number;
}

export interface RenderedAlarm {
  subject: string;
  body: string;
  /** One line for gsm: the subject without the date. */
  shortText: string;
}

/** SPEC section 5: the body carries the last 20 lines of __stderr. */
export const STDERR_TAIL_LINES = 20;

// A megabyte-long line in __stderr would otherwise end up whole in every alarm mail.
const MAX_STDERR_LINE_LENGTH = 1000;

export function renderAlarm(alarm: AlarmReport): RenderedAlarm {
  const time = formatLocalTime(alarm.at);
  const shortText = `[Alarm: ${escapeControlCharacters(stripBaiduDomain(alarm.host))}] Service ${escapeControlCharacters(alarm.module)} ${describeOutcome(alarm)}`;
  return { subject: `${time} ${shortText}`, body: renderBody(alarm, time), shortText };
}

function stripBaiduDomain(host: string): string {
  return host.replace(/\.baidu\.com$/i, '');
}

function describeOutcome(alarm: AlarmReport): string {
  if (alarm.kind === 'gave-up') {
    return `exited ${alarm.window.exits} times in ${alarm.window.seconds} s, supervise gave up!`;
  }
  if (alarm.kind === 'no-restart') return `${describeExit(alarm.exit)}, not restarted (no_restart_exit_codes)!`;
  return alarm.exit.coreDumped ? 'exited with coredump!' : 'exited!';
}

function renderBody(alarm: AlarmReport, time: string): string {
  const { exit, window } = alarm;
  const fields: [string, string][] = [
    ['time', time],
    ['host', alarm.host],
    ['module', alarm.module],
    ['status directory', alarm.statusDir],
    ['command', formatCommand(alarm.command)],
    ['pid', String(alarm.pid)],
    ['exit', describeExit(exit)],
    ['ran for', formatDuration(exit.uptimeMs)],
    ['window', `${plural(window.exits, 'exit')}, ${plural(window.coreDumps, 'core dump')} in ${window.seconds} s`],
    ['next', alarm.next],
  ];
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  const lines = fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${escapeControlCharacters(value)}`);

  const tail = alarm.stderrTail.slice(-STDERR_TAIL_LINES).map(formatStderrLine);
  lines.push('');
  if (tail.length === 0) {
    lines.push('__stderr: (empty)');
  } else {
    lines.push(`last ${plural(tail.length, 'line')} of __stderr:`);
    for (const line of tail) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatStderrLine(line: string): string {
  const short = line.length > MAX_STDERR_LINE_LENGTH ? `${line.slice(0, MAX_STDERR_LINE_LENGTH)}...` : line;
  // Tabs in stderr (Java stack traces) are harmless there and unreadable when escaped.
  return escapeControlCharacters(short, { keepTabs: true });
}

/** Quotes words the way a shell user would type them, so word boundaries stay visible. */
function formatCommand(argv: string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `450 ms`, `12.3 s`, `5 min 3 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toString()} s`;
  const seconds = Math.floor(ms / 1000);
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(`${amount} ${name}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
