// supervise.conf text -> the settings of one module (SPEC section 7). Pure:
// the loader reads the file, this never throws, whatever the text.
//
// The `ini` package decodes keys and values, but it only knows `=`, nests
// `[a.b]` as a.b (module names have dots), reports no bad lines and forgets
// line numbers. So a line-by-line pre-pass classifies every line, warns about
// what it cannot use, and hands ini a normalised text: `key=value` lines under
// opaque flat section names (`[s0]`, `[s1]`, ...) that map back to the real
// names. Escaping dots (`[meta\.txn-recover]`) would also keep ini flat, but
// opaque names leave no character of a module name for ini to interpret.
//
// Choices, where the original C parser was silent or sloppy:
// - Keys and section headers must start at the beginning of the line, as in the
//   original ("all valid entries are written flush left"); an indented one is
//   a warning and is ignored, rather than silently ignored.
// - Trailing comments: `#` or `;` starts a comment only after whitespace (or as
//   the first character of the value), and not inside a value that opens with
//   a quote. So `a@x.com # ops` drops the comment while addresses and URLs,
//   which contain no whitespace, keep any `#` or `;` they hold.
// - An empty value (`alarm_interval :`, in the original's own sample) means the
//   key is not set, without a warning.
// - A repeated section merges into its first occurrence (later values win, as
//   ini does) and keeps the first one's place for the before/after-[global]
//   rule; a repeated key within a section: the later value wins. Both warn.
// - Two kinds of line warnings (SPEC section 4): a line that cannot be parsed
//   or used ("unable to parse FILE line N: ...") makes `r` keep the old values;
//   a note about a legal line ("FILE line N: ...": a repeated section or key,
//   an unknown key, a 0 that does not override [global], an alarm_mail entry
//   that is not an address) does not, so reload accepts what start-up accepts.
// - Values are masked (maskCredentials) wherever they are shown, so a
//   mail_transport password never reaches the log, however malformed the URL.
// - A malformed `[...]` line ends the current section, as any `[` line did in
//   the original, so its keys are ignored rather than added to the section above.
// - Numbers are whole decimal numbers from 0 to MAX_CONFIG_NUMBER; anything
//   else warns and is ignored (the default, or [global]'s value, stays).
import { decode } from 'ini';
import { createDefaultConfig, MAX_CONFIG_NUMBER, MAX_OUTPUT_BYTES, MAX_GSM_NUMBERS, MIN_ALARM_INTERVAL } from './config-defaults.js';
import { isMailAddress } from './mail-address.js';
import { maskCredentials } from './mask-credentials.js';
import { SERVICE_KEYS, type ServiceField, type ServiceKey, type ServiceKeyName } from './service-keys.js';
import { checkServiceSettings, type SystemFacts } from './check-service-settings.js';
import { restartDelayMaxProblem } from './service-life-values.js';
import type { ModuleConfig } from './module-config.js';

export type { ModuleConfig } from './module-config.js';

export interface ConfigResult {
  config: ModuleConfig;
  /** One line each, naming the file and, where there is one, the line number. */
  warnings: string[];
  /** Lines that could not be parsed or used: a reload (`r`) keeps the old values when there are any. Notes about legal lines do not count. */
  unparsedLines: number;
  /** `key = value (source)` for every value in force, for the log on start and on `r`. */
  loaded: string[];
}

type NumberField = 'alarmInterval' | 'maxTries' | 'maxTriesIfCoredumped' | 'stopTimeout' | 'readyTimeout' | 'outputBackups';
type ListField = 'alarmMail' | 'alarmGsm';
type TextField = 'mailTransport' | 'mailFrom' | 'gsmCommand' | 'metricsDir' | 'alarmAlertmanager';

type KeySpec =
  | { kind: 'number'; field: NumberField }
  | { kind: 'list'; field: ListField }
  | { kind: 'text'; field: TextField }
  /** SPEC sections 11 and 15: each value read and shown by its own key (service-keys.ts). */
  | { kind: 'service'; field: ServiceField; key: ServiceKey }
  | { kind: 'size'; field: 'outputMaxBytes' }
  | { kind: 'flag'; field: 'outputTimestamps' };

function serviceKey(name: ServiceKeyName): KeySpec {
  const key = SERVICE_KEYS[name] as ServiceKey;
  return { kind: 'service', field: key.field, key };
}

// In the order they are logged.
const KEYS: Readonly<Record<string, KeySpec>> = {
  alarm_interval: { kind: 'number', field: 'alarmInterval' },
  max_tries: { kind: 'number', field: 'maxTries' },
  max_tries_if_coredumped: { kind: 'number', field: 'maxTriesIfCoredumped' },
  alarm_mail: { kind: 'list', field: 'alarmMail' },
  alarm_gsm: { kind: 'list', field: 'alarmGsm' },
  mail_transport: { kind: 'text', field: 'mailTransport' },
  mail_from: { kind: 'text', field: 'mailFrom' },
  gsm_command: { kind: 'text', field: 'gsmCommand' },
  stop_timeout: { kind: 'number', field: 'stopTimeout' },
  metrics_dir: { kind: 'text', field: 'metricsDir' },
  alarm_alertmanager: { kind: 'text', field: 'alarmAlertmanager' },
  user: serviceKey('user'),
  group: serviceKey('group'),
  directory: serviceKey('directory'),
  environment: serviceKey('environment'),
  env_dir: serviceKey('env_dir'),
  umask: serviceKey('umask'),
  nice: serviceKey('nice'),
  limit_nofile: serviceKey('limit_nofile'),
  limit_nproc: serviceKey('limit_nproc'),
  limit_core: serviceKey('limit_core'),
  limit_as: serviceKey('limit_as'),
  stop_signal: serviceKey('stop_signal'),
  ready_fd: serviceKey('ready_fd'),
  ready_timeout: { kind: 'number', field: 'readyTimeout' },
  restart_delay: serviceKey('restart_delay'),
  restart_delay_max: serviceKey('restart_delay_max'),
  success_exit_codes: serviceKey('success_exit_codes'),
  no_restart_exit_codes: serviceKey('no_restart_exit_codes'),
  output_max_bytes: { kind: 'size', field: 'outputMaxBytes' },
  output_backups: { kind: 'number', field: 'outputBackups' },
  output_timestamps: { kind: 'flag', field: 'outputTimestamps' },
  kill_mode: serviceKey('kill_mode'),
};

const GLOBAL_SECTION = 'global';

// Past this many, line warnings collapse into one count: a binary file fed in
// by mistake would otherwise bury the log.
const MAX_LINE_WARNINGS = 20;
const MAX_SHOWN_CHARS = 80;

const SECTION_LINE = /^\[([^\s[\]]+)\]\s*(?:[#;].*)?$/s;
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*[:=](.*)$/s;
const INDENTED_KEY_LINE = /^\s+[A-Za-z_][A-Za-z0-9_]*[ \t]*[:=]/s;
const BLANK_OR_COMMENT = /^\s*(?:[#;].*)?$/s;

interface Section {
  name: string;
  /** Name ini sees. */
  opaque: string;
  /** Line of the first header; its place decides the before/after-[global] rule. */
  line: number;
  /** Line number of the value in force for each key (the last one set). */
  keyLines: Map<string, number>;
}

interface Layer {
  section: Section;
  values: Record<string, unknown>;
  /** true for a section after [global]: numbers override only when > 0, lists append. */
  overlay: boolean;
}

/** `system`: the checks of section 15's keys that need the system (load-config.ts passes them; tests may not). */
export function parseConfig(text: string, moduleName: string, file: string, system?: SystemFacts): ConfigResult {
  const warnings = new WarningList(file);
  const { sections, iniText } = scanLines(text, warnings);
  const decoded = decode(iniText) as Record<string, Record<string, unknown> | undefined>;

  const global = sections.get(GLOBAL_SECTION);
  const own = moduleName === GLOBAL_SECTION ? undefined : sections.get(moduleName);
  const layers: Layer[] = [];
  const layerOf = (section: Section, overlay: boolean): Layer => ({
    section,
    values: decoded[section.opaque] ?? {},
    overlay,
  });
  if (own !== undefined && (global === undefined || own.line < global.line)) {
    layers.push(layerOf(own, false));
  } else if (global !== undefined) {
    layers.push(layerOf(global, false));
    if (own !== undefined) layers.push(layerOf(own, true));
  } else {
    // Phrased to hold whether the file is then used (start-up) or refused (`r` with a bad line).
    warnings.add(`no [${GLOBAL_SECTION}] and no [${moduleName}] section in ${file}: it gives ${moduleName} no alarms and no limits`);
  }

  const config = createDefaultConfig();
  const sources = new Map<keyof ModuleConfig, string[]>();
  for (const layer of layers) applyLayer(layer, config, sources, warnings);
  const clampedFrom = finishConfig(config, warnings, moduleName);
  if (system !== undefined) {
    for (const warning of checkServiceSettings(config, system, file)) warnings.add(warning);
    if (config.limitNofile === null) sources.delete('limitNofile');
  }

  return { config, warnings: warnings.list(), unparsedLines: warnings.unparsedLines, loaded: describeConfig(config, sources, clampedFrom) };
}

/** The pre-pass: classify lines, collect sections and the text ini decodes. */
function scanLines(text: string, warnings: WarningList): { sections: Map<string, Section>; iniText: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const sections = new Map<string, Section>();
  const iniLines: string[] = [];
  // null: before any section; 'void': after a malformed header, keys ignored.
  let current: Section | null | 'void' = null;

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (BLANK_OR_COMMENT.test(line)) return;

    const header = SECTION_LINE.exec(line);
    if (header !== null) {
      const name = header[1];
      let section = sections.get(name);
      if (section === undefined) {
        section = { name, opaque: `s${sections.size}`, line: lineNo, keyLines: new Map() };
        sections.set(name, section);
      } else {
        warnings.addForLine(lineNo, `section [${name}] repeats the one at line ${section.line}; their keys are merged and later values win`, 'note');
      }
      iniLines.push(`[${section.opaque}]`);
      current = section;
      return;
    }
    if (line.trimStart().startsWith('[')) {
      const why = line.startsWith('[') ? 'not a [section] header' : 'sections must start at the beginning of the line';
      warnings.addForLine(lineNo, `${show(line)} (${why}; keys up to the next section are ignored)`);
      current = 'void';
      return;
    }

    const keyLine = KEY_LINE.exec(line);
    if (keyLine === null) {
      const why = INDENTED_KEY_LINE.test(line) ? ' (keys must start at the beginning of the line)' : '';
      warnings.addForLine(lineNo, `${show(line)}${why}`);
      return;
    }
    const [, key, rawValue] = keyLine;
    if (current === 'void') return;
    if (current === null) {
      warnings.addForLine(lineNo, `${show(line)} (key outside any [section])`);
      return;
    }
    if (!Object.hasOwn(KEYS, key)) {
      warnings.addForLine(lineNo, `unknown key ${show(key)} is ignored; known keys: ${Object.keys(KEYS).join(', ')}`, 'note');
      return;
    }
    const earlier = current.keyLines.get(key);
    if (earlier !== undefined) {
      warnings.addForLine(lineNo, `${key} repeats line ${earlier} in [${current.name}]; the later value wins`, 'note');
    }
    current.keyLines.set(key, lineNo);
    iniLines.push(`${key}=${escapeForIni(stripTrailingComment(rawValue))}`);
  });

  return { sections, iniText: iniLines.join('\n') };
}

function applyLayer(
  layer: Layer,
  config: ModuleConfig,
  sources: Map<keyof ModuleConfig, string[]>,
  warnings: WarningList,
): void {
  const { section, values, overlay } = layer;
  const from = `[${section.name}]`;
  for (const [key, lineNo] of section.keyLines) {
    const spec = KEYS[key];
    const raw = values[key];
    if (raw === undefined) {
      // ini dropped a line the pre-pass accepted (e.g. a U+2028 in the value).
      warnings.addForLine(lineNo, `${key}: value not understood; ignoring it`);
      continue;
    }
    const value = textOf(raw);
    if (value === '') continue;

    switch (spec.kind) {
      case 'number': {
        const number = parseWholeNumber(value);
        if (number === null) {
          warnings.addForLine(lineNo, `${key} ${show(value)} is not a whole number from 0 to ${MAX_CONFIG_NUMBER}; ignoring it`);
          break;
        }
        if (overlay && number === 0) {
          if (config[spec.field] > 0) {
            warnings.addForLine(lineNo, `${key} 0 in ${from} does not override [${GLOBAL_SECTION}]'s ${config[spec.field]}: a section after [${GLOBAL_SECTION}] overrides numbers only with values above 0; put ${from} before [${GLOBAL_SECTION}] to use only its own values`, 'note');
          }
          break;
        }
        config[spec.field] = number;
        sources.set(spec.field, [from]);
        break;
      }
      case 'list': {
        let items = value.split(/[\s,]+/).filter((item) => item !== '');
        if (spec.field === 'alarmMail') items = keepMailAddresses(items, lineNo, warnings);
        if (items.length === 0) break;
        config[spec.field] = overlay ? [...config[spec.field], ...items] : items;
        sources.set(spec.field, overlay ? [...(sources.get(spec.field) ?? []), from] : [from]);
        break;
      }
      case 'text': {
        const problem = checkText(key, value);
        if (problem !== null) {
          warnings.addForLine(lineNo, `${key} ${show(value)}: ${problem}; ignoring it`);
          break;
        }
        config[spec.field] = value;
        sources.set(spec.field, [from]);
        break;
      }
      case 'service': {
        // SPEC sections 11 and 15: any valid value overrides, 0 included; environment adds to [global]'s.
        const parsed = spec.key.parse(value);
        if ('expected' in parsed) {
          warnings.addForLine(lineNo, `${key} ${show(value)}: ${parsed.expected}; ignoring it`);
          break;
        }
        const field = spec.field;
        const fields = config as Record<ServiceField, unknown>;
        const combine = overlay ? spec.key.overlay : undefined;
        fields[field] = combine ? combine(fields[field] as never, parsed.value as never) : parsed.value;
        sources.set(field, combine ? [...(sources.get(field) ?? []), from] : [from]);
        break;
      }
      case 'size':
      case 'flag': {
        const number = spec.kind === 'size' ? parseByteSize(value) : parseFlag(value);
        if (number === null) {
          const expected = spec.kind === 'size' ? `a number of bytes up to ${MAX_OUTPUT_BYTES}, optionally with a k, M or G suffix` : '0 or 1';
          warnings.addForLine(lineNo, `${key} ${show(value)} is not ${expected}; ignoring it`);
          break;
        }
        // The rule of section 7 for numbers: after [global], only values above 0 override.
        if (overlay && number === 0) break;
        if (spec.kind === 'size') config.outputMaxBytes = number;
        else config.outputTimestamps = number === 1;
        sources.set(spec.field, [from]);
        break;
      }
    }
  }
}

/** alarm_mail entries that are addresses; a note names each one that is not, with its line. */
function keepMailAddresses(items: string[], lineNo: number, warnings: WarningList): string[] {
  const kept = items.filter((item) => isMailAddress(item));
  for (const item of items) {
    if (kept.includes(item)) continue;
    const why = item.includes('@') ? 'expected NAME@DOMAIN' : 'no @';
    warnings.addForLine(lineNo, `alarm_mail entry ${show(item)} is not a mail address (${why}); no alarm mail goes to it`, 'note');
  }
  warnings.droppedMail += items.length - kept.length;
  return kept;
}

/** Dedupes and caps the lists, clamps the window; returns the interval before clamping when it was raised. */
function finishConfig(config: ModuleConfig, warnings: WarningList, moduleName: string): number | null {
  config.alarmMail = [...new Set(config.alarmMail)];
  if (config.alarmMail.length === 0 && warnings.droppedMail > 0) {
    warnings.add(`alarm_mail in ${warnings.file} leaves ${moduleName} no mail address: no alarm mail is sent`);
  }
  const gsm = [...new Set(config.alarmGsm)];
  if (gsm.length > MAX_GSM_NUMBERS) {
    warnings.add(`alarm_gsm has ${gsm.length} numbers in ${warnings.file}; only the first ${MAX_GSM_NUMBERS} are used: ${gsm.slice(0, MAX_GSM_NUMBERS).join(' ')}`);
  }
  config.alarmGsm = gsm.slice(0, MAX_GSM_NUMBERS);
  const delayMaxProblem = restartDelayMaxProblem(config);
  if (delayMaxProblem !== null) {
    warnings.add(`${delayMaxProblem} in ${warnings.file}; ignoring it: the delay does not double`);
    config.restartDelayMax = null;
  }
  if (config.alarmInterval > 0 && config.alarmInterval < MIN_ALARM_INTERVAL) {
    const before = config.alarmInterval;
    config.alarmInterval = MIN_ALARM_INTERVAL;
    return before;
  }
  return null;
}

function describeConfig(config: ModuleConfig, sources: Map<keyof ModuleConfig, string[]>, clampedFrom: number | null): string[] {
  return Object.entries(KEYS).map(([key, spec]) => {
    const from = sources.get(spec.field);
    let source = from === undefined ? 'default' : `from ${from.join(' and ')}`;
    let shown: string;
    switch (spec.kind) {
      case 'number':
        shown = String(config[spec.field]);
        if (spec.field === 'alarmInterval' && clampedFrom !== null) {
          source += `; ${clampedFrom} counts as ${MIN_ALARM_INTERVAL}`;
        }
        break;
      case 'list':
        shown = config[spec.field].length === 0 ? '(none)' : config[spec.field].join(' ');
        break;
      case 'text': {
        const value = config[spec.field];
        if (value === null) shown = spec.field === 'mailFrom' ? 'supervise@HOST' : '(none)';
        else shown = spec.field === 'mailTransport' || spec.field === 'alarmAlertmanager' ? maskCredentials(value) : value;
        break;
      }
      case 'service':
        shown = spec.key.show((config as Record<ServiceField, unknown>)[spec.field] as never);
        break;
      case 'size':
        shown = String(config.outputMaxBytes);
        break;
      case 'flag':
        shown = config.outputTimestamps ? '1' : '0';
        break;
    }
    return `${key} = ${shown} (${source})`;
  });
}

/** Drops a trailing comment; see the header for the rule. */
function stripTrailingComment(raw: string): string {
  const value = raw.trim();
  let from = 0;
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const close = findClosingQuote(value, quote);
    if (close > 0) from = close + 1;
  }
  for (let i = from; i < value.length; i++) {
    const c = value[i];
    if ((c === '#' || c === ';') && (i === 0 || /\s/.test(value[i - 1]))) {
      return value.slice(0, i).trimEnd();
    }
  }
  return value;
}

function findClosingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    // ini reads double-quoted values as JSON, where a backslash escapes.
    if (quote === '"' && value[i] === '\\') i++;
    else if (value[i] === quote) return i;
  }
  return -1;
}

/**
 * ini cuts an unquoted value at the first `;` or `#` and reads backslash
 * escapes; comments are already gone, so escape what is left to reach ini
 * unchanged. A fully quoted value is left alone: ini unquotes it and does not
 * look for comments inside.
 */
function escapeForIni(value: string): string {
  const quoted = value.length > 1 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
  return quoted ? value : value.replace(/[\\;#]/g, '\\$&');
}

/** ini turns `true`, `'123'` and the like into non-strings; config values are text. */
function textOf(raw: unknown): string {
  return (typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '').trim();
}

function parseWholeNumber(value: string): number | null {
  if (!/^\d+$/.test(value)) return null;
  const number = Number(value);
  return number <= MAX_CONFIG_NUMBER ? number : null;
}

const SIZE_SUFFIXES: Readonly<Record<string, number>> = { '': 1, k: 1024, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `10M`, `512k`, `1048576`: bytes, or null when it is not a size up to MAX_OUTPUT_BYTES. */
export function parseByteSize(value: string): number | null {
  const match = /^(\d+)([kKMG]?)$/.exec(value);
  if (match === null) return null;
  const bytes = Number(match[1]) * SIZE_SUFFIXES[match[2]];
  return bytes <= MAX_OUTPUT_BYTES ? bytes : null;
}

function parseFlag(value: string): number | null {
  return value === '0' || value === '1' ? Number(value) : null;
}

function checkText(key: string, value: string): string | null {
  if (key === 'alarm_alertmanager') return checkAlertmanagerUrl(value);
  if (key !== 'mail_transport' || value === 'sendmail') return null;
  const expected = 'expected sendmail or an smtp:// or smtps:// URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return expected;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return expected;
  if (url.hostname === '') return `${expected} with a host`;
  return null;
}

function checkAlertmanagerUrl(value: string): string | null {
  const expected = 'expected an http:// or https:// URL such as http://127.0.0.1:9093';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return expected;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return expected;
  if (url.hostname === '') return `${expected} with a host`;
  return null;
}

/** A line or value as it appears in a message: credentials masked, quoted, escaped, shortened. */
function show(unmasked: string): string {
  // Masked before shortening: a cut could leave a password without the `@` that marks it.
  const text = maskCredentials(unmasked);
  // Measured after escaping: control bytes of a binary file take six characters each.
  if (JSON.stringify(text).length <= MAX_SHOWN_CHARS) return JSON.stringify(text);
  let short = text.slice(0, MAX_SHOWN_CHARS);
  while (JSON.stringify(`${short}...`).length > MAX_SHOWN_CHARS) short = short.slice(0, -1);
  return JSON.stringify(`${short}...`);
}

/**
 * 'unparsable': a line that cannot be parsed or used, which makes `r` keep the old values.
 * 'note': a legal line that does not do what it may seem to; start-up and `r` both use the file.
 */
type LineWarningKind = 'unparsable' | 'note';

class WarningList {
  private readonly warnings: string[] = [];
  private readonly counts: Record<LineWarningKind, number> = { unparsable: 0, note: 0 };
  private readonly hidden: Record<LineWarningKind, number> = { unparsable: 0, note: 0 };
  /** alarm_mail entries left out for not being addresses. */
  droppedMail = 0;

  constructor(readonly file: string) {}

  add(warning: string): void {
    this.warnings.push(warning);
  }

  addForLine(lineNo: number, reason: string, kind: LineWarningKind = 'unparsable'): void {
    this.counts[kind]++;
    if (this.counts.unparsable + this.counts.note > MAX_LINE_WARNINGS) {
      this.hidden[kind]++;
      return;
    }
    this.warnings.push(kind === 'unparsable' ? `unable to parse ${this.file} line ${lineNo}: ${reason}` : `${this.file} line ${lineNo}: ${reason}`);
  }

  get unparsedLines(): number {
    return this.counts.unparsable;
  }

  list(): string[] {
    const list = [...this.warnings];
    if (this.hidden.unparsable > 0) list.push(`unable to parse ${this.file}: ${this.hidden.unparsable} more lines could not be used`);
    if (this.hidden.note > 0) list.push(`${this.file}: ${this.hidden.note} more notes about lines not shown`);
    return list;
  }
}
