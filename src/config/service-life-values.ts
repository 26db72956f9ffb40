// The values of the SPEC section 15 keys that say how the service is stopped,
// reports readiness and is restarted: text -> value, or what was expected, so
// the parser's warning names the key, the value and the expectation. Pure.
import { MAX_CONFIG_NUMBER } from './config-defaults.js';
import type { ModuleConfig } from './module-config.js';

/** The signals stop_signal accepts (SPEC section 15). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 0-2 are the service's stdin, stdout and stderr; past 1023 a select()-based service could not use it. */
export const MIN_READY_FD = 3;
export const MAX_READY_FD = 1023;

/** A delay below this would let a service that dies at once spin the CPU. */
export const MIN_RESTART_DELAY = 0.1;

export type ParsedValue<T> = { ok: true; value: T } | { ok: false; expected: string };

/** `TERM`, `SIGTERM`, `term`: one of STOP_SIGNALS. */
export function parseStopSignal(text: string): ParsedValue<StopSignal> {
  const upper = text.toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as StopSignal;
  if (STOP_SIGNALS.includes(name)) return { ok: true, value: name };
  return { ok: false, expected: `one of ${STOP_SIGNALS.map((signal) => signal.slice(3)).join(', ')}` };
}

export function parseReadyFd(text: string): ParsedValue<number> {
  const fd = /^\d+$/.test(text) ? Number(text) : NaN;
  if (fd >= MIN_READY_FD && fd <= MAX_READY_FD) return { ok: true, value: fd };
  return { ok: false, expected: `a descriptor number from ${MIN_READY_FD} to ${MAX_READY_FD} (0, 1 and 2 are the service's stdin, stdout and stderr)` };
}

/** Seconds with at most three decimals (milliseconds), from MIN_RESTART_DELAY up. */
export function parseDelaySeconds(text: string): ParsedValue<number> {
  const seconds = /^\d+(?:\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
  if (seconds >= MIN_RESTART_DELAY && seconds <= MAX_CONFIG_NUMBER) return { ok: true, value: seconds };
  return { ok: false, expected: `a number of seconds from ${MIN_RESTART_DELAY} to ${MAX_CONFIG_NUMBER}, such as 1 or 2.5` };
}

/** Exit codes 0-255, separated by spaces or commas; one bad entry refuses the whole list. */
export function parseExitCodes(text: string): ParsedValue<number[]> {
  const expected = 'exit codes from 0 to 255, separated by spaces or commas';
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  const codes: number[] = [];
  for (const entry of entries) {
    const code = /^\d+$/.test(entry) ? Number(entry) : NaN;
    if (!(code >= 0 && code <= 255)) return { ok: false, expected };
    if (!codes.includes(code)) codes.push(code);
  }
  return codes.length > 0 ? { ok: true, value: codes } : { ok: false, expected };
}

/** The ModuleConfig fields these keys set. */
export type LifeField = 'stopSignal' | 'readyFd' | 'restartDelay' | 'restartDelayMax' | 'successExitCodes' | 'noRestartExitCodes';

export const LIFE_VALUE_PARSERS: Readonly<Record<LifeField, (text: string) => ParsedValue<unknown>>> = {
  stopSignal: parseStopSignal,
  readyFd: parseReadyFd,
  restartDelay: parseDelaySeconds,
  restartDelayMax: parseDelaySeconds,
  successExitCodes: parseExitCodes,
  noRestartExitCodes: parseExitCodes,
};

/** A value in force as the config log line shows it. */
export function describeLifeValue(config: ModuleConfig, field: LifeField): string {
  switch (field) {
    case 'stopSignal':
      return config.stopSignal.slice(3);
    case 'readyFd':
      return config.readyFd === null ? '(none)' : String(config.readyFd);
    case 'restartDelay':
      return String(config.restartDelay);
    case 'restartDelayMax':
      return config.restartDelayMax === null ? '(none)' : String(config.restartDelayMax);
    case 'successExitCodes':
    case 'noRestartExitCodes':
      return config[field].length === 0 ? '(none)' : config[field].join(' ');
  }
}

/** restart_delay_max must be above restart_delay, or it could never let the delay double. */
export function restartDelayMaxProblem(config: Pick<ModuleConfig, 'restartDelay' | 'restartDelayMax'>): string | null {
  if (config.restartDelayMax === null || config.restartDelayMax > config.restartDelay) return null;
  return `restart_delay_max ${config.restartDelayMax} is not above restart_delay ${config.restartDelay}`;
}
