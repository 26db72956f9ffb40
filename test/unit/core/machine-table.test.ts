// Every phase x event cell of the machine's table, each named by what it does:
// the phase it leads to and the effects it asks for, in order. A change to any
// cell shows here as one line of the table.
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  PHASES,
  initialState,
  transition,
  type Effect,
  type MachineConfig,
  type Phase,
  type SupervisorEvent,
  type SupervisorState,
  type TableEvent,
  type TableEventKind,
} from '../../../src/core/supervisor-machine.js';
import { withSettings } from '../../helpers/machine-config.js';

const config = withSettings({ stopTimeout: 3 });
const hooked: MachineConfig = { ...config, restartHook: true, hookResetSeconds: 10 };

function after(events: SupervisorEvent[], machineConfig = config): SupervisorState {
  return events.reduce((state, event) => transition(state, event).state, initialState('svc', 'svc-bin', machineConfig, 0));
}

const none = { kind: 'none' } as const;
const up: SupervisorEvent[] = [{ kind: 'boot', at: 0, previous: none }, { kind: 'started', pid: 100, at: 0 }];
const exitedSoon: SupervisorEvent = { kind: 'exited', pid: 100, code: 1, signal: null, at: 50 };

/** A state in each phase, reached by events as the daemon would see them. */
const IN_PHASE: Record<Phase, SupervisorState> = {
  down: after([]),
  reclaiming: after([{ kind: 'boot', at: 0, previous: { kind: 'orphan', pid: 50, argv: ['svc-bin'], startTicks: 7 } }]),
  starting: after([{ kind: 'boot', at: 0, previous: none }]),
  up: after(up),
  stopping: after([...up, { kind: 'control', runs: [{ command: 'down', letter: 'd', count: 1 }], at: 10 }]),
  waiting: after([...up, exitedSoon]),
  hook: after([...up, exitedSoon], hooked),
  finished: after([{ kind: 'control', runs: [{ command: 'exit', letter: 'x', count: 1 }], at: 10 }]),
  sweeping: after([
    { kind: 'boot', at: 0, previous: none },
    { kind: 'started', pid: 100, at: 0, session: 900 },
    { kind: 'exited', pid: 100, code: 1, signal: null, at: 50, leftovers: 2 },
  ]),
};

const AT = 2000;
const EVENTS: Record<TableEventKind, TableEvent> = {
  boot: { kind: 'boot', at: AT, previous: none },
  up: { kind: 'up', at: AT },
  down: { kind: 'down', at: AT },
  once: { kind: 'once', at: AT },
  exit: { kind: 'exit', at: AT },
  pause: { kind: 'pause', at: AT },
  cont: { kind: 'cont', at: AT },
  hup: { kind: 'hup', at: AT },
  alarm: { kind: 'alarm', at: AT },
  int: { kind: 'int', at: AT },
  term: { kind: 'term', at: AT },
  kill: { kind: 'kill', at: AT },
  silence: { kind: 'silence', at: AT },
  unsilence: { kind: 'unsilence', at: AT },
  reload: { kind: 'reload', at: AT },
  started: { kind: 'started', pid: 101, at: AT },
  'start-failed': { kind: 'start-failed', reason: 'ENOENT', cause: 'exec', at: AT },
  exited: { kind: 'exited', pid: 100, code: 1, signal: null, at: AT },
  'start-due': { kind: 'start-due', at: AT },
  'stop-timeout': { kind: 'stop-timeout', at: AT },
  'orphan-gone': { kind: 'orphan-gone', at: AT },
  'leftovers-gone': { kind: 'leftovers-gone', at: AT },
  terminate: { kind: 'terminate', signal: 'SIGTERM', at: AT },
  'hook-done': { kind: 'hook-done', at: AT },
  config: { kind: 'config', config },
  ready: { kind: 'ready', pid: 100, at: AT },
  'ready-timeout': { kind: 'ready-timeout', pid: 100, at: AT },
  rotate: { kind: 'rotate', at: AT },
};

function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'signal':
      return `${effect.signal.slice(3)}>${effect.pid}`;
    case 'signal-session':
      return `${effect.signal.slice(3)}>session ${effect.session}`;
    case 'log':
      return `${effect.level}`;
    case 'exit':
      return `exit ${effect.code}`;
    case 'alarm':
      return `alarm ${effect.alarm}`;
    case 'report-start':
      return effect.report.ok ? 'report ok' : `report ${effect.report.exitCode}`;
    default:
      return effect.kind;
  }
}

/**
 * `phase: effect, effect` after the cell; `phase:` alone when only the state
 * changed (want, alarms, a flag); `=` for a cell that changes nothing at all.
 */
function describeCell(phase: Phase, kind: TableEventKind): string {
  const state = IN_PHASE[phase];
  const cell = ACTIONS[phase][kind] as (state: SupervisorState, event: TableEvent) => { state: SupervisorState; effects: readonly Effect[] };
  const step = cell(state, EVENTS[kind]);
  if (step.state === state && step.effects.length === 0) return '=';
  return `${step.state.phase}: ${step.effects.map(describeEffect).join(', ')}`.trimEnd();
}

/** Every cell of a phase that does nothing at all; each phase below lists the cells that do something. */
const NOTHING = Object.fromEntries(Object.keys(EVENTS).map((kind) => [kind, '='])) as Record<TableEventKind, string>;

const EXPECTED: Record<Phase, Record<TableEventKind, string>> = {
  down: {
    ...NOTHING,
    boot: 'starting: start',
    up: 'starting: start',
    down: 'down:',
    once: 'starting: start',
    exit: 'finished: notice, write-status, exit 0',
    silence: 'down:',
    unsilence: 'down:',
    reload: 'down: reload-config',
    terminate: 'finished: notice, notice, write-status, exit 0',
    config: 'down: write-status',
    rotate: 'down: rotate-output',
  },
  reclaiming: {
    ...NOTHING,
    up: 'reclaiming:',
    down: 'reclaiming:',
    once: 'reclaiming:',
    exit: 'reclaiming:',
    silence: 'reclaiming:',
    unsilence: 'reclaiming:',
    reload: 'reclaiming: reload-config',
    'stop-timeout': 'reclaiming: warning, KILL>50, arm-stop-timeout',
    'orphan-gone': 'starting: cancel-stop-timeout, notice, start',
    terminate: 'reclaiming: notice, write-status',
    config: 'reclaiming: write-status',
    rotate: 'reclaiming: rotate-output',
  },
  starting: {
    ...NOTHING,
    up: 'starting:',
    down: 'starting:',
    once: 'starting:',
    exit: 'starting:',
    silence: 'starting:',
    unsilence: 'starting:',
    reload: 'starting: reload-config',
    started: 'up: notice, write-status',
    'start-failed': 'waiting: warning, write-status, arm-start',
    terminate: 'starting: notice, write-status',
    config: 'starting: write-status',
    rotate: 'starting: rotate-output',
  },
  up: {
    ...NOTHING,
    up: 'up:',
    down: 'stopping: TERM>100, CONT>100, arm-stop-timeout',
    once: 'up:',
    exit: 'up:',
    pause: 'up: STOP>100',
    cont: 'up: CONT>100',
    hup: 'up: HUP>100',
    alarm: 'up: ALRM>100',
    int: 'up: INT>100',
    term: 'up: TERM>100',
    kill: 'up: KILL>100',
    silence: 'up:',
    unsilence: 'up:',
    reload: 'up: reload-config',
    exited: 'starting: start, notice',
    terminate: 'stopping: notice, TERM>100, CONT>100, arm-stop-timeout, write-status',
    config: 'up: write-status',
    rotate: 'up: rotate-output',
  },
  stopping: {
    ...NOTHING,
    up: 'stopping:',
    down: 'stopping: TERM>100, CONT>100',
    once: 'stopping:',
    exit: 'stopping:',
    pause: 'stopping: STOP>100',
    cont: 'stopping: CONT>100',
    hup: 'stopping: HUP>100',
    alarm: 'stopping: ALRM>100',
    int: 'stopping: INT>100',
    term: 'stopping: TERM>100',
    kill: 'stopping: KILL>100',
    silence: 'stopping:',
    unsilence: 'stopping:',
    reload: 'stopping: reload-config',
    exited: 'down: cancel-stop-timeout, notice, write-status',
    'stop-timeout': 'stopping: warning, KILL>100',
    terminate: 'stopping: notice, TERM>100, CONT>100, write-status',
    config: 'stopping: write-status',
    rotate: 'stopping: rotate-output',
  },
  waiting: {
    ...NOTHING,
    // The operator's start cuts a restart_delay short (SPEC section 15).
    up: 'starting: cancel-start, start',
    down: 'down: cancel-start',
    once: 'starting: cancel-start, start',
    exit: 'finished: cancel-start, notice, write-status, exit 0',
    silence: 'waiting:',
    unsilence: 'waiting:',
    reload: 'waiting: reload-config',
    'start-due': 'starting: start',
    terminate: 'finished: notice, cancel-start, notice, write-status, exit 0',
    config: 'waiting: write-status',
    rotate: 'waiting: rotate-output',
  },
  hook: {
    ...NOTHING,
    up: 'hook:',
    down: 'hook:',
    once: 'hook:',
    exit: 'hook:',
    silence: 'hook:',
    unsilence: 'hook:',
    reload: 'hook: reload-config',
    terminate: 'hook: notice, write-status',
    'hook-done': 'starting: start',
    config: 'hook: write-status',
    rotate: 'hook: rotate-output',
  },
  finished: NOTHING,
  sweeping: {
    ...NOTHING,
    up: 'sweeping:',
    down: 'sweeping:',
    once: 'sweeping:',
    exit: 'sweeping:',
    silence: 'sweeping:',
    unsilence: 'sweeping:',
    reload: 'sweeping: reload-config',
    'stop-timeout': 'sweeping: warning, KILL>session 900, arm-stop-timeout',
    'leftovers-gone': 'starting: start, cancel-stop-timeout, notice',
    terminate: 'sweeping: notice, write-status',
    config: 'sweeping: write-status',
    rotate: 'sweeping: rotate-output',
  },
};

describe('the machine table', () => {
  it('has a cell for every phase and event', () => {
    for (const phase of PHASES) expect(Object.keys(ACTIONS[phase]).sort()).toEqual(Object.keys(EVENTS).sort());
    expect(Object.keys(IN_PHASE)).toEqual([...PHASES]);
    for (const phase of PHASES) expect(IN_PHASE[phase].phase).toBe(phase);
  });

  for (const phase of PHASES) {
    it(`does what each event asks in ${phase}`, () => {
      const actual = Object.fromEntries(Object.keys(EVENTS).map((kind) => [kind, describeCell(phase, kind as TableEventKind)]));
      expect(actual).toEqual(EXPECTED[phase]);
    });
  }
});

// SPEC section 15: the cells that differ with ready_fd (without it, a running
// service is ready from its start and `ready` / `ready-timeout` change nothing).
describe('the machine table with ready_fd 3 and ready_timeout 5', () => {
  const ready = withSettings({ stopTimeout: 3, readyFd: 3, readyTimeout: 5 });
  const upNotReady = after(up, ready);
  const stoppingNotReady = after([...up, { kind: 'control', runs: [{ command: 'down', letter: 'd', count: 1 }], at: 10 }], ready);
  const timedOut = transition(upNotReady, { kind: 'ready-timeout', pid: 100, at: 5000 }).state;

  function cell(state: SupervisorState, event: TableEvent): string {
    const act = ACTIONS[state.phase][event.kind] as (state: SupervisorState, event: TableEvent) => { state: SupervisorState; effects: readonly Effect[] };
    const step = act(state, event);
    if (step.state === state && step.effects.length === 0) return '=';
    return `${step.state.phase}: ${step.effects.map(describeEffect).join(', ')}`.trimEnd();
  }

  it.each([
    ['starting', 'started', after([{ kind: 'boot', at: 0, previous: none }], ready), { kind: 'started', pid: 100, at: 0 }, 'up: notice, arm-ready-timeout, write-status'],
    ['up, not ready', 'ready', upNotReady, { kind: 'ready', pid: 100, at: AT }, 'up: notice, write-status'],
    ['up, not ready', 'ready of another pid', upNotReady, { kind: 'ready', pid: 99, at: AT }, '='],
    ['up, not ready', 'ready-timeout', upNotReady, { kind: 'ready-timeout', pid: 100, at: AT }, 'up: warning, write-status'],
    ['up, not ready', 'ready-timeout of an earlier pid', upNotReady, { kind: 'ready-timeout', pid: 99, at: AT }, '='],
    ['up, timed out', 'ready-timeout again', timedOut, { kind: 'ready-timeout', pid: 100, at: AT }, '='],
    ['up, timed out', 'ready late', timedOut, { kind: 'ready', pid: 100, at: 6000 }, 'up: notice, write-status'],
    ['stopping, not ready', 'ready', stoppingNotReady, { kind: 'ready', pid: 100, at: AT }, 'stopping: notice, write-status'],
    ['stopping, not ready', 'ready-timeout', stoppingNotReady, { kind: 'ready-timeout', pid: 100, at: AT }, 'stopping: warning, write-status'],
  ] as [string, string, SupervisorState, TableEvent, string][])('%s x %s', (_phase, _event, state, event, expected) => {
    expect(cell(state, event)).toBe(expected);
  });

  it('keeps ready and readySince in the state', () => {
    expect(upNotReady.readySince).toBeNull();
    expect(timedOut.readyTimedOut).toBe(true);
    expect(transition(upNotReady, { kind: 'ready', pid: 100, at: 1234 }).state.readySince).toBe(1234);
    expect(after(up).readySince).toBe(0);
  });
});
