import { describe, expect, it } from 'vitest';
import {
  initialState,
  transition,
  type Effect,
  type MachineConfig,
  type SupervisorEvent,
  type SupervisorState,
} from '../../../src/core/supervisor-machine.js';

const noLimits: MachineConfig = {
  limits: { alarmInterval: 0, maxTries: 0, maxTriesIfCoredumped: 0 },
  stopTimeoutSeconds: 0,
  restartHook: false,
  hookResetSeconds: 0,
};

/** Feeds events in order and collects every effect. */
function run(events: SupervisorEvent[], config = noLimits, start = initialState('svc', config, 0)) {
  let state: SupervisorState = start;
  const effects: Effect[] = [];
  for (const event of events) {
    const step = transition(state, event);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const kinds = (effects: Effect[]) => effects.filter((e) => e.kind !== 'log' && e.kind !== 'write-status');
const started = (pid: number, at: number): SupervisorEvent => ({ kind: 'started', pid, at });
const exited = (pid: number, at: number, signal: string | null = null, code: number | null = signal ? null : 1): SupervisorEvent => ({
  kind: 'exited', pid, code, signal, at,
});
const control = (command: Extract<SupervisorEvent, { kind: 'control' }>['command'], at: number): SupervisorEvent => ({
  kind: 'control', command, at,
});

describe('supervisor machine: starting and pacing', () => {
  it('starts on boot and records the pid', () => {
    const { state, effects } = run([{ kind: 'boot', at: 0 }, started(100, 5)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }]);
    expect(state.service).toEqual({ pid: 100, startedAt: 5 });
    expect(state.starts).toBe(1);
    expect(effects).toContainEqual({ kind: 'log', level: 'notice', message: 'service svc started, pid 100' });
  });

  it('restarts a service that died at once one second after its previous start', () => {
    const { state, effects } = run([{ kind: 'boot', at: 0 }, started(100, 0), exited(100, 50)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1000 }]);
    expect(state.startPending).toBe(true);
  });

  it('restarts at once a service that ran longer than a second', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, started(100, 0), exited(100, 5000)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'start' }]);
  });

  it('puts a restart that is due now before the exit log line and status write, as daemontools forks first', () => {
    const step = transition(run([{ kind: 'boot', at: 0 }, started(100, 0)]).state, exited(100, 5000));
    expect(step.effects[0]).toEqual({ kind: 'start' });
    expect(step.effects.slice(1).map((e) => e.kind)).toEqual(['log', 'write-status']);
  });

  it('takes d during the pacing wait at once: the armed start is cancelled', () => {
    const { state, effects } = run([{ kind: 'boot', at: 0 }, started(100, 0), exited(100, 50), control('down', 100), { kind: 'start-due', at: 1000 }]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1000 }, { kind: 'cancel-start' }]);
    expect(state.want).toBe('down');
  });

  it('treats an exec failure as an exit: paced and logged as a warning', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, { kind: 'start-failed', reason: 'EACCES', at: 1 }]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1001 }]);
    expect(effects).toContainEqual({ kind: 'log', level: 'warning', message: 'unable to start service svc: EACCES' });
  });
});

describe('supervisor machine: control commands', () => {
  const up = [{ kind: 'boot', at: 0 } as SupervisorEvent, started(100, 0)];

  it('d sends TERM then CONT, marks the exit expected and does not restart', () => {
    const { state, effects } = run([...up, control('down', 10), exited(100, 20, 'SIGTERM')]);
    expect(kinds(effects)).toEqual([
      { kind: 'start' },
      { kind: 'signal', pid: 100, signal: 'SIGTERM' },
      { kind: 'signal', pid: 100, signal: 'SIGCONT' },
    ]);
    expect(state.lastExit?.expected).toBe(true);
    expect(state.service).toBeNull();
  });

  it('u starts a service that is down, o starts it once without restarting', () => {
    const down = [...up, control('down', 10), exited(100, 2000, 'SIGTERM')];
    expect(kinds(run([...down, control('up', 3000)]).effects).at(-1)).toEqual({ kind: 'start' });
    const once = run([...down, control('once', 3000), started(101, 3000), exited(101, 5000)]);
    expect(once.state.want).toBe('once');
    expect(kinds(once.effects).filter((e) => e.kind === 'start')).toHaveLength(2);
  });

  it('x exits at once when the service is down, and waits for it when it is up', () => {
    const waiting = run([...up, control('exit', 10)]);
    expect(kinds(waiting.effects).some((e) => e.kind === 'exit')).toBe(false);
    const after = run([...up, control('exit', 10), exited(100, 20)]);
    expect(kinds(after.effects).at(-1)).toEqual({ kind: 'exit', code: 0 });
    expect(after.state.finished).toBe(true);
  });

  it.each([
    ['hup', 'SIGHUP', false], ['alarm', 'SIGALRM', false], ['int', 'SIGINT', true], ['term', 'SIGTERM', true], ['kill', 'SIGKILL', true],
  ] as const)('%s sends %s (expected exit: %s)', (command, signal, expected) => {
    const { state, effects } = run([...up, control(command, 10)]);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'signal', pid: 100, signal });
    expect(state.expectingExit).toBe(expected);
  });

  it('p and c send STOP and CONT and set the paused flag', () => {
    expect(run([...up, control('pause', 10)]).state.paused).toBe(true);
    const resumed = run([...up, control('pause', 10), control('cont', 20)]);
    expect(resumed.state.paused).toBe(false);
    expect(kinds(resumed.effects).slice(1)).toEqual([
      { kind: 'signal', pid: 100, signal: 'SIGSTOP' },
      { kind: 'signal', pid: 100, signal: 'SIGCONT' },
    ]);
  });

  it('s and n flip the alarm flag and rewrite status; r asks for a reload', () => {
    const silenced = run([...up, control('silence', 10)]);
    expect(silenced.state.alarmsOn).toBe(false);
    expect(silenced.effects.at(-1)).toEqual({ kind: 'write-status' });
    expect(run([...up, control('silence', 10), control('unsilence', 20)]).state.alarmsOn).toBe(true);
    expect(run([...up, control('reload', 10)]).effects.at(-1)).toEqual({ kind: 'reload-config' });
  });

  it('SIGTERM to supervise stops the service, then exits once it is down', () => {
    const { state, effects } = run([...up, { kind: 'terminate', signal: 'SIGTERM', at: 10 }, exited(100, 20, 'SIGTERM')]);
    expect(kinds(effects).map((e) => e.kind)).toEqual(['start', 'signal', 'signal', 'exit']);
    expect(state.want).toBe('down');
    expect(state.lastExit?.expected).toBe(true);
  });
});

describe('supervisor machine: stop timeout', () => {
  const withTimeout = { ...noLimits, stopTimeoutSeconds: 3 };
  it('sends KILL stop_timeout seconds after d when the service is still there', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, started(100, 0), control('down', 1000), { kind: 'stop-timeout', at: 4000 }], withTimeout);
    expect(kinds(effects)).toContainEqual({ kind: 'arm-stop-timeout', at: 4000 });
    expect(kinds(effects).at(-1)).toEqual({ kind: 'signal', pid: 100, signal: 'SIGKILL' });
  });

  it('cancels the timer when the service exits in time; 0 never arms it', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, started(100, 0), control('down', 1000), exited(100, 1500, 'SIGTERM')], withTimeout);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'cancel-stop-timeout' });
    const never = run([{ kind: 'boot', at: 0 }, started(100, 0), control('down', 1000)]);
    expect(kinds(never.effects).some((e) => e.kind === 'arm-stop-timeout')).toBe(false);
  });
});

describe('supervisor machine: alarms and giving up', () => {
  const limited: MachineConfig = { ...noLimits, limits: { alarmInterval: 60, maxTries: 2, maxTriesIfCoredumped: 0 } };

  it('alarms on the first exit of a window only, and gives up past max_tries', () => {
    const { state, effects } = run(
      [{ kind: 'boot', at: 0 }, started(1, 0), exited(1, 10), { kind: 'start-due', at: 1000 }, started(2, 1000), exited(2, 1010),
        { kind: 'start-due', at: 2000 }, started(3, 2000), exited(3, 2010)],
      limited,
    );
    const alarms = effects.filter((e) => e.kind === 'alarm');
    expect(alarms.map((a) => a.kind === 'alarm' && a.alarm)).toEqual(['exit', 'gave-up']);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'exit', code: 1 });
    expect(state.want).toBe('down');
    expect(state.starts).toBe(3);
    expect(effects).toContainEqual({ kind: 'log', level: 'fatal', message: 'service svc exited 3 times in 60 s (max_tries 2), supervise gave up' });
  });

  it('reports a core dump by its signal', () => {
    const { state } = run([{ kind: 'boot', at: 0 }, started(1, 0), exited(1, 10, 'SIGSEGV')], limited);
    expect(state.lastExit).toMatchObject({ coreDumped: true, signal: 'SIGSEGV' });
  });

  it('sends no alarm for an exit supervise caused', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, started(1, 0), control('kill', 5), exited(1, 10, 'SIGKILL')], limited);
    expect(effects.some((e) => e.kind === 'alarm')).toBe(false);
  });
});

describe('supervisor machine: restart hook', () => {
  const hooked: MachineConfig = { ...noLimits, restartHook: true, hookResetSeconds: 10 };
  it('runs the hook with the exit count and restarts only after it is done', () => {
    const { effects } = run(
      [{ kind: 'boot', at: 0 }, started(1, 0), exited(1, 5000), { kind: 'hook-done', at: 5100 }, started(2, 5100), exited(2, 6000)],
      hooked,
    );
    expect(kinds(effects)).toEqual([
      { kind: 'start' }, { kind: 'run-hook', count: 1 }, { kind: 'start' }, { kind: 'run-hook', count: 2 },
    ]);
  });

  it('x during the hook exits once the hook is done', () => {
    const { effects } = run([{ kind: 'boot', at: 0 }, started(1, 0), exited(1, 5000), control('exit', 5010), { kind: 'hook-done', at: 5100 }], hooked);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'exit', code: 0 });
  });
});
