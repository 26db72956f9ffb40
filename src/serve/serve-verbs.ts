// POST /api/services/MODULE/VERB (SPEC section 14): which supervisectl verbs
// a request may name, what each writes into `control`, and the HTTP status
// that carries the verb's exit meaning. Pure: a table and a switch.
import { LETTER_BY_COMMAND } from '../codec/control-codec.js';
import { encodeControlAction, isControlAction, waitTargetOf } from '../ctl/control-actions.js';
import type { CtlErrorCode } from '../ctl/ctl-error.js';
import type { DirOutcome } from '../ctl/dir-outcome.js';
import type { ControlRequest } from '../ctl/run-control.js';

/** `alarm on|off` and `reload` of the command line, as one path segment each. */
const EXTRA_VERBS: Readonly<Record<string, Omit<ControlRequest, 'waitSeconds'>>> = {
  'alarm-on': { letters: LETTER_BY_COMMAND.unsilence, target: 'none' },
  'alarm-off': { letters: LETTER_BY_COMMAND.silence, target: 'none' },
  reload: { letters: LETTER_BY_COMMAND.reload, target: 'none' },
};

/** `/api/services/MODULE/VERB`, MODULE percent-encoded (module names may hold `/`), or null. */
export function parseVerbPath(pathname: string): { module: string; verb: string } | null {
  const prefix = '/api/services/';
  if (!pathname.startsWith(prefix)) return null;
  const rest = pathname.slice(prefix.length);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  try {
    return { module: decodeURIComponent(rest.slice(0, slash)), verb: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    return null;
  }
}

/** What a verb writes and waits for, or null for a verb supervisectl does not have. */
export function controlRequestOf(verb: string, waitSeconds: number | null): ControlRequest | null {
  if (isControlAction(verb)) return { letters: encodeControlAction(verb), target: waitTargetOf(verb), waitSeconds };
  const extra = Object.hasOwn(EXTRA_VERBS, verb) ? EXTRA_VERBS[verb] : undefined;
  return extra === undefined ? null : { ...extra, waitSeconds };
}

/** `--wait` as a query parameter; the same limits as the command line's, and at most ten minutes. */
export function parseWaitSeconds(value: string | null): number | null | string {
  if (value === null) return null;
  if (value === '') return 7;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds) || seconds > 600) {
    return `wait expects seconds from 0 to 600, got ${JSON.stringify(value)}`;
  }
  return seconds;
}

/**
 * supervisectl's exit meaning as an HTTP status: 0 is 200; "supervise not
 * running" (111) is 409, the service exists but cannot take commands now;
 * `--wait` running out (1) is 504; the system refusing us (1) is 500.
 */
export const HTTP_STATUS_OF: Readonly<Record<CtlErrorCode, number>> = {
  usage: 400,
  'not-running': 409,
  timeout: 504,
  system: 500,
};

export function httpStatusOf(outcome: DirOutcome): number {
  return outcome.ok ? 200 : HTTP_STATUS_OF[outcome.code];
}
