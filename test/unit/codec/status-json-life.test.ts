// status.json's readiness and next start (SPEC section 15): `ready`,
// `readySince`, `readyTimedOut` and `nextStartAt`, from the machine's state.
import { describe, expect, it } from 'vitest';
import { encodeStatusJson, type StatusJson } from '../../../src/codec/status-json.js';
import { initialState, transition, type SupervisorEvent, type SupervisorState } from '../../../src/core/supervisor-machine.js';
import { noLimits, withSettings } from '../../helpers/machine-config.js';

const T0 = Date.UTC(2026, 10, 30, 4, 0, 0);
const facts = { statusDir: '/srv/status/web', supervisePid: 10, command: ['web'], superviseStartedAt: T0 - 1000 };

function jsonAfter(events: SupervisorEvent[], config = noLimits): StatusJson {
  const state = events.reduce<SupervisorState>((s, event) => transition(s, event).state, initialState('web', 'web', config, T0));
  return JSON.parse(encodeStatusJson(state, facts, T0 + 60_000)) as StatusJson;
}

const up: SupervisorEvent[] = [{ kind: 'boot', at: T0, previous: { kind: 'none' } }, { kind: 'started', pid: 100, at: T0 + 10 }];
const iso = (ms: number) => new Date(ms).toISOString();

describe('status.json: ready, readySince, readyTimedOut, nextStartAt', () => {
  it('without ready_fd, up is ready since the start', () => {
    expect(jsonAfter(up)).toMatchObject({ ready: true, readySince: iso(T0 + 10), readyTimedOut: false, nextStartAt: null });
  });

  it('with ready_fd, not ready until the service says so', () => {
    const config = withSettings({ readyFd: 3, readyTimeout: 5 });
    expect(jsonAfter(up, config)).toMatchObject({ ready: false, readySince: null, readyTimedOut: false });
    expect(jsonAfter([...up, { kind: 'ready', pid: 100, at: T0 + 700 }], config)).toMatchObject({ ready: true, readySince: iso(T0 + 700) });
    expect(jsonAfter([...up, { kind: 'ready-timeout', pid: 100, at: T0 + 5010 }], config)).toMatchObject({ ready: false, readyTimedOut: true });
  });

  it('down is not ready, and a delayed start shows when it is due', () => {
    const json = jsonAfter([...up, { kind: 'exited', pid: 100, code: 1, signal: null, at: T0 + 20 }], withSettings({ restartDelay: 30 }));
    expect(json).toMatchObject({ state: 'down', ready: false, readySince: null, readyTimedOut: false, nextStartAt: iso(T0 + 10 + 30_000) });
  });
});
