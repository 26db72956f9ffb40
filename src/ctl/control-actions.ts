// What each control verb writes into `control` and which state `--wait`
// waits for (SPEC section 10). A new verb is a new row, not a new branch.
import { LETTER_BY_COMMAND } from '../codec/control-codec.js';
import type { ControlCommand } from '../core/types.js';

export const CONTROL_ACTIONS = [
  'start',
  'stop',
  'once',
  'restart',
  'pause',
  'cont',
  'hup',
  'alarm-signal',
  'int',
  'term',
  'kill',
  'exit',
  'rotate',
] as const;

export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/**
 * up: a service pid; down: pid 0; new-pid: a pid other than the one before
 * the write; gone: the supervise itself has exited; none: the write is all.
 */
export type WaitTarget = 'up' | 'down' | 'new-pid' | 'gone' | 'none';

interface ActionRow {
  readonly commands: readonly ControlCommand[];
  readonly target: WaitTarget;
}

const ACTION_ROWS: Readonly<Record<ControlAction, ActionRow>> = {
  start: { commands: ['up'], target: 'up' },
  stop: { commands: ['down'], target: 'down' },
  once: { commands: ['once'], target: 'up' },
  // TERM alone would leave a paused service stopped and a down or once service
  // down; CONT and want-up make restart bring the service up in every state,
  // as runit's `sv restart` does.
  restart: { commands: ['term', 'cont', 'up'], target: 'new-pid' },
  pause: { commands: ['pause'], target: 'none' },
  cont: { commands: ['cont'], target: 'none' },
  hup: { commands: ['hup'], target: 'none' },
  'alarm-signal': { commands: ['alarm'], target: 'none' },
  int: { commands: ['int'], target: 'none' },
  term: { commands: ['term'], target: 'none' },
  kill: { commands: ['kill'], target: 'none' },
  // `x` alone does not stop the service; `d` first, as the Baidu svc script's
  // `exit` and runit's `sv exit`: nothing of the service outlives supervise.
  exit: { commands: ['down', 'exit'], target: 'gone' },
  // Nothing to wait for: the rotation is done by supervise when it writes the files (SPEC section 12).
  rotate: { commands: ['rotate'], target: 'none' },
};

export function isControlAction(verb: string): verb is ControlAction {
  return (CONTROL_ACTIONS as readonly string[]).includes(verb);
}

/** The bytes to write into `control` for a verb, e.g. `d` for stop. */
export function encodeControlAction(action: ControlAction): string {
  return ACTION_ROWS[action].commands.map((command) => LETTER_BY_COMMAND[command]).join('');
}

export function waitTargetOf(action: ControlAction): WaitTarget {
  return ACTION_ROWS[action].target;
}
