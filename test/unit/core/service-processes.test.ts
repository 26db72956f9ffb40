// The machine's side of SPEC section 11 that the table does not show in full:
// the forked-into-background warning, the reclaim of a dead supervise's whole
// session, and which members of that session count as its service's.
import { describe, expect, it } from 'vitest';
import { selectLeftovers, type SessionMember } from '../../../src/core/orphan-service.js';
import { initialState, transition, type Effect, type SupervisorEvent, type SupervisorState } from '../../../src/core/supervisor-machine.js';
import { noLimits, withSettings } from '../../helpers/machine-config.js';

function run(events: SupervisorEvent[], config = noLimits): { state: SupervisorState; effects: Effect[] } {
  let state = initialState('svc', 'svc-bin', config, 0);
  const effects: Effect[] = [];
  for (const event of events) {
    const step = transition(state, event);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const warnings = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'log' && e.level === 'warning' ? [e.message] : []));
const boot: SupervisorEvent = { kind: 'boot', at: 0, previous: { kind: 'none' } };

describe('a service that exits 0 within 1 s', () => {
  it('gets a WARNING that it probably forked into the background, naming the foreground way', () => {
    const { effects } = run([boot, { kind: 'started', pid: 100, at: 0 }, { kind: 'exited', pid: 100, code: 0, signal: null, at: 300 }]);
    expect(warnings(effects)).toEqual([expect.stringMatching(/exited with code 0 0\.3 s after its start: it probably forked into the background.*nginx -g 'daemon off;'/)]);
  });

  it('gets none after 1 s, with another code, when supervise stopped it, or for a run started with o', () => {
    expect(warnings(run([boot, { kind: 'started', pid: 100, at: 0 }, { kind: 'exited', pid: 100, code: 0, signal: null, at: 1000 }]).effects)).toEqual([]);
    expect(warnings(run([boot, { kind: 'started', pid: 100, at: 0 }, { kind: 'exited', pid: 100, code: 2, signal: null, at: 10 }]).effects)).toEqual([]);
    const stopped = run([
      boot,
      { kind: 'started', pid: 100, at: 0 },
      { kind: 'control', runs: [{ command: 'down', letter: 'd', count: 1 }], at: 5 },
      { kind: 'exited', pid: 100, code: 0, signal: null, at: 10 },
    ]);
    expect(warnings(stopped.effects)).toEqual([]);
    const once = run([
      { kind: 'control', runs: [{ command: 'once', letter: 'o', count: 1 }], at: 0 },
      { kind: 'started', pid: 100, at: 0 },
      { kind: 'exited', pid: 100, code: 0, signal: null, at: 10 },
    ]);
    expect(warnings(once.effects)).toEqual([]);
  });
});

describe('boot after a supervise killed with SIGKILL', () => {
  const leftovers = [
    { pid: 61, startTicks: 9 },
    { pid: 62, startTicks: 9 },
  ];

  it('stops every leftover of its session, with one WARNING naming the pids, before the first start', () => {
    const { state, effects } = run([{ kind: 'boot', at: 0, previous: { kind: 'gone', pid: 60 }, leftovers }]);
    expect(state.phase).toBe('reclaiming');
    expect(warnings(effects)).toEqual([expect.stringContaining('session still holds pids 61 62')]);
    const signals = effects.flatMap((e) => (e.kind === 'signal' ? [`${e.signal} ${e.pid}`] : []));
    expect(signals).toEqual(['SIGTERM 61', 'SIGCONT 61', 'SIGTERM 62', 'SIGCONT 62']);
    expect(effects.some((e) => e.kind === 'start')).toBe(false);
  });

  it('counts the recorded orphan once when it is among the leftovers', () => {
    const { effects } = run([
      { kind: 'boot', at: 0, previous: { kind: 'orphan', pid: 61, argv: ['svc-bin'], startTicks: 9 }, leftovers },
    ]);
    expect(effects.filter((e) => e.kind === 'signal' && e.signal === 'SIGTERM').length).toBe(2);
    expect(warnings(effects)).toHaveLength(1);
  });

  it('under kill_mode process signals only the recorded pid, as before', () => {
    const { state, effects } = run([{ kind: 'boot', at: 0, previous: { kind: 'gone', pid: 60 }, leftovers }], withSettings({ killMode: 'process' }));
    expect(state.phase).toBe('starting');
    expect(effects.some((e) => e.kind === 'signal')).toBe(false);
  });
});

describe('selectLeftovers: which processes of the recorded session were the dead supervise\'s service', () => {
  const member = (pid: number, startedAtMs: number): SessionMember => ({ pid, startTicks: startedAtMs / 10, startedAtMs });
  const recorded = { supervisePid: 500, superviseStartedAtMs: 10_000, session: 500 };

  it('keeps those started after the supervise, never one started before it or supervise itself', () => {
    expect(selectLeftovers([member(510, 10_020), member(520, 9_000), member(530, 12_000)], recorded, null, [530])).toEqual([member(510, 10_020)]);
  });

  it('takes none when the supervise pid names a live process again: the session is a new one with a reused id', () => {
    expect(selectLeftovers([member(510, 20_000)], recorded, member(500, 19_000), [])).toEqual([]);
  });

  it('in the foreground, where the session is the service pid, keeps the tree of a service started after supervise', () => {
    const foreground = { supervisePid: 500, superviseStartedAtMs: 10_000, session: 600 };
    expect(selectLeftovers([member(600, 10_100), member(601, 10_200)], foreground, member(600, 10_100), [])).toHaveLength(2);
    expect(selectLeftovers([member(600, 9_000), member(601, 10_200)], foreground, member(600, 9_000), [])).toEqual([]);
  });
});
