// The values of the SPEC section 15 keys that say how the service is stopped,
// reports readiness and is restarted: text -> value, or what was expected, so
// the parser's warning names the key, the value and the expectation. Pure.
import { MAX_CONFIG_NUMBER } from './config-defaults.js';
import type { ModuleConfig } from './module-config.js';
import type { ParsedValue } from './parsed-value.js';

/** The signals stop_signal accepts (SPEC section 15). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 0-2 are the service's stdin, stdout and stderr; past 1023 a select()-based service could not use it. */
export const MIN_READY_FD = 3;
export const MAX_READY_FD = 1023;

/** A delay below this would let a service that dies at once spin the CPU. */
export const MIN_RESTART_DELAY = 0.1;


/** `TERM`, `SIGTERM`, `term`: one of STOP_SIGNALS. */
export function parseStopSignal(text: string): ParsedValue<StopSignal> {
  const upper = text.toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as StopSignal;
  if (STOP_SIGNALS.includes(name)) return { value: name };
  return { expected: `expected one of ${STOP_SIGNALS.map((signal) => signal.slice(3)).join(', ')}` };
}

export function parseReadyFd(text: string): ParsedValue<number> {
  const fd = /^\d+$/.test(text) ? Number(text) : NaN;
  if (fd >= MIN_READY_FD && fd <= MAX_READY_FD) return { value: fd };
  return { expected: `expected a descriptor number from ${MIN_READY_FD} to ${MAX_READY_FD} (0, 1 and 2 are the service's stdin, stdout and stderr)` };
}

/** Seconds with at most three decimals (milliseconds), from MIN_RESTART_DELAY up. */
export function parseDelaySeconds(text: string): ParsedValue<number> {
  const seconds = /^\d+(?:\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
  if (seconds >= MIN_RESTART_DELAY && seconds <= MAX_CONFIG_NUMBER) return { value: seconds };
  return { expected: `expected a number of seconds from ${MIN_RESTART_DELAY} to ${MAX_CONFIG_NUMBER}, such as 1 or 2.5` };
}

/** Exit codes 0-255, separated by spaces or commas; one bad entry refuses the whole list. */
export function parseExitCodes(text: string): ParsedValue<number[]> {
  const expected = 'expected exit codes from 0 to 255, separated by spaces or commas';
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  const codes: number[] = [];
  for (const entry of entries) {
    const code = /^\d+$/.test(entry) ? Number(entry) : NaN;
    if (!(code >= 0 && code <= 255)) return { expected };
    if (!codes.includes(code)) codes.push(code);
  }
  return codes.length > 0 ? { value: codes } : { expected };
}

/** restart_delay_max must be above restart_delay, or it could never let the delay double. */
export function restartDelayMaxProblem(config: Pick<ModuleConfig, 'restartDelay' | 'restartDelayMax'>): string | null {
  if (config.restartDelayMax === null || config.restartDelayMax > config.restartDelay) return null;
  return `restart_delay_max ${config.restartDelayMax} is not above restart_delay ${config.restartDelay}`;
}
