// The machine with the SPEC section 15 keys that change how the service is
// stopped and restarted: stop_signal, restart_delay / restart_delay_max,
// success_exit_codes and no_restart_exit_codes. Plain numbers for time.
import { describe, expect, it } from 'vitest';
import { LETTER_BY_COMMAND as LETTERS } from '../../../src/codec/control-codec.js';
import { initialState, transition, type Effect, type MachineConfig, type SupervisorEvent, type SupervisorState } from '../../../src/core/supervisor-machine.js';
import type { ControlCommand } from '../../../src/core/types.js';
import { noLimits, withSettings } from '../../helpers/machine-config.js';

const boot: SupervisorEvent = { kind: 'boot', at: 0, previous: { kind: 'none' } };
const started = (pid: number, at: number): SupervisorEvent => ({ kind: 'started', pid, at });
const exited = (pid: number, at: number, code: number | null = 1, signal: string | null = null): SupervisorEvent => ({ kind: 'exited', pid, code, signal, at });
const control = (command: ControlCommand, at: number): SupervisorEvent => ({ kind: 'control', runs: [{ command, letter: LETTERS[command], count: 1 }], at });

function run(events: SupervisorEvent[], config: MachineConfig = noLimits) {
  let state: SupervisorState = initialState('svc', 'svc-bin', config, 0);
  const effects: Effect[] = [];
  for (const event of events) {
    const step = transition(state, event);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const logs = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'log' ? [`${e.level} ${e.message}`] : []));
const alarms = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'alarm' ? [e] : []));
const armed = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'arm-start' ? [e.at] : []));

describe('stop_signal', () => {
  it('is what d sends, followed by CONT', () => {
    const { effects } = run([boot, started(100, 0), control('down', 10)], withSettings({ stopSignal: 'SIGQUIT' }));
    expect(effects.filter((e) => e.kind === 'signal')).toEqual([
      { kind: 'signal', pid: 100, signal: 'SIGQUIT' },
      { kind: 'signal', pid: 100, signal: 'SIGCONT' },
    ]);
  });

  it("is what supervise's own SIGTERM sends", () => {
    const { effects } = run([boot, started(100, 0), { kind: 'terminate', signal: 'SIGTERM', at: 10 }], withSettings({ stopSignal: 'SIGINT' }));
    expect(effects).toContainEqual({ kind: 'signal', pid: 100, signal: 'SIGINT' });
    expect(effects).not.toContainEqual({ kind: 'signal', pid: 100, signal: 'SIGTERM' });
  });

  it('leaves t as TERM', () => {
    const { effects } = run([boot, started(100, 0), control('term', 10)], withSettings({ stopSignal: 'SIGUSR1' }));
    expect(effects).toContainEqual({ kind: 'signal', pid: 100, signal: 'SIGTERM' });
  });

  it('names itself in the KILL warning after stop_timeout', () => {
    const { effects } = run([boot, started(100, 0), control('down', 10), { kind: 'stop-timeout', at: 3010 }], withSettings({ stopSignal: 'SIGHUP', stopTimeout: 3 }));
    expect(logs(effects)).toContain('warning service svc still running 3 s after HUP, sending KILL');
  });

  it('QUIT as the stop signal: the death by QUIT is the expected stop, not a core dump to alarm', () => {
    const config = withSettings({ stopSignal: 'SIGQUIT', alarmInterval: 60 });
    const { state, effects } = run([boot, started(100, 0), control('down', 10), exited(100, 20, null, 'SIGQUIT')], config);
    expect(state.lastExit?.expected).toBe(true);
    expect(alarms(effects)).toEqual([]);
  });
});

describe('restart_delay and restart_delay_max through the machine', () => {
  const backoff = withSettings({ restartDelay: 1, restartDelayMax: 8 });

  it('doubles the interval from start to start in a crash loop, up to the max', () => {
    const events: SupervisorEvent[] = [boot, started(100, 0), exited(100, 10)];
    const starts = [1000, 3000, 7000, 15000, 23000];
    starts.forEach((at, index) => events.push({ kind: 'start-due', at }, started(101 + index, at), exited(101 + index, at + 10)));
    const { effects } = run(events, backoff);
    expect(armed(effects)).toEqual([1000, 3000, 7000, 15000, 23000, 31000]);
  });

  it('resets to restart_delay after a run as long as the max', () => {
    const { state, effects } = run([boot, started(100, 0), exited(100, 10), { kind: 'start-due', at: 1000 }, started(101, 1000), exited(101, 1010), { kind: 'start-due', at: 3000 }, started(102, 3000), exited(102, 11_000)], backoff);
    // After the 8 s run the interval is back to 1 s, so the next start is at once.
    expect(state.restartIntervalMs).toBe(1000);
    expect(state.phase).toBe('starting');
    // The next short run doubles from there: 2 s, not 8 s.
    const next = run([boot, started(100, 0), exited(100, 10), { kind: 'start-due', at: 1000 }, started(101, 1000), exited(101, 1010), { kind: 'start-due', at: 3000 }, started(102, 3000), exited(102, 11_000), started(103, 11_000), exited(103, 11_010)], backoff);
    expect(armed(effects)).toEqual([1000, 3000]);
    expect(armed(next.effects)).toEqual([1000, 3000, 13_000]);
  });

  it('shows when the next start is due, and says it in the alarm', () => {
    const { state, effects } = run([boot, started(100, 0), exited(100, 10)], withSettings({ restartDelay: 30, alarmInterval: 60 }));
    expect(state.phase).toBe('waiting');
    expect(state.startDueAt).toBe(30_000);
    expect(alarms(effects)[0].next).toBe('restarting in 30.0 s');
  });

  it('a u during the wait starts at once and resets the doubling', () => {
    const waiting = run([boot, started(100, 0), exited(100, 10), { kind: 'start-due', at: 1000 }, started(101, 1000), exited(101, 1010)], backoff);
    expect(waiting.state.phase).toBe('waiting');
    expect(waiting.state.startDueAt).toBe(3000);
    const step = transition(waiting.state, control('up', 2100));
    expect(step.effects.filter((e) => e.kind === 'cancel-start' || e.kind === 'start')).toEqual([{ kind: 'cancel-start' }, { kind: 'start' }]);
    expect(step.state.restartIntervalMs).toBeNull();
  });

  it('a u during the wait keeps one second from the last start (SPEC section 5), so defaults change nothing', () => {
    const waiting = run([boot, started(100, 0), exited(100, 10)], withSettings({ restartDelay: 30 }));
    const step = transition(waiting.state, control('up', 400));
    expect(step.state.phase).toBe('waiting');
    expect(armed([...step.effects])).toEqual([1000]);
    const defaults = run([boot, started(100, 0), exited(100, 10), control('up', 400)]);
    expect(defaults.state.phase).toBe('waiting');
    expect(defaults.state.startDueAt).toBe(1000);
  });
});

describe('success_exit_codes', () => {
  const config = withSettings({ alarmInterval: 60, maxTries: 1, successExitCodes: [0, 3] });

  it('an exit with such a code is expected: no alarm, not counted, and the log says why', () => {
    const { state, effects } = run([boot, started(100, 0), exited(100, 5000, 3), { kind: 'start-due', at: 5000 }, started(101, 5000), exited(101, 9000, 0)], config);
    expect(alarms(effects)).toEqual([]);
    expect(state.window).toBeNull();
    expect(state.phase).not.toBe('finished');
    expect(logs(effects)).toContain('notice service svc exited with code 3, pid 100, ran 5.0 s, expected (success_exit_codes)');
  });

  it('other codes still alarm and count', () => {
    const { state, effects } = run([boot, started(100, 0), exited(100, 5000, 4)], config);
    expect(alarms(effects).map((a) => a.alarm)).toEqual(['exit']);
    expect(state.window?.exits).toBe(1);
  });
});

describe('no_restart_exit_codes', () => {
  const config = withSettings({ alarmInterval: 60, noRestartExitCodes: [78] });

  it('want becomes down, a NOTICE says why, and exactly one alarm says so', () => {
    const { state: running } = run([boot, started(100, 0)], config);
    const { state, effects } = transition(running, exited(100, 5000, 78));
    expect(state.want).toBe('down');
    expect(state.phase).toBe('down');
    expect(effects.some((e) => e.kind === 'start' || e.kind === 'arm-start')).toBe(false);
    expect(logs([...effects])).toContain('notice service svc exited with code 78, one of no_restart_exit_codes: not restarting it (want down)');
    expect(alarms([...effects])).toHaveLength(1);
    expect(alarms([...effects])[0]).toMatchObject({ alarm: 'no-restart', next: 'the service stays down (want down): exit code 78 is in no_restart_exit_codes' });
  });

  it('sends no alarm when alarms are silenced or off, and still stays down', () => {
    const silenced = run([boot, started(100, 0), control('silence', 10), exited(100, 5000, 78)], config);
    expect(alarms(silenced.effects)).toEqual([]);
    expect(silenced.state.want).toBe('down');
    const off = run([boot, started(100, 0), exited(100, 5000, 78)], withSettings({ noRestartExitCodes: [78] }));
    expect(alarms(off.effects)).toEqual([]);
    expect(off.state.want).toBe('down');
  });

  it('other codes restart as before', () => {
    const { state } = run([boot, started(100, 0), exited(100, 5000, 1)], config);
    expect(state.want).toBe('up');
    expect(state.phase).toBe('starting');
  });

  it('a u brings the service back', () => {
    const { state } = run([boot, started(100, 0), exited(100, 5000, 78), control('up', 6000)], config);
    expect(state.phase).toBe('starting');
  });
});
