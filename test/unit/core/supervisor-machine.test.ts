import { describe, expect, it } from 'vitest';
import { decodeControlChunk } from '../../../src/codec/control-chunk.js';
import { LETTER_BY_COMMAND as LETTERS } from '../../../src/codec/control-codec.js';
import {
  initialState,
  transition,
  type Effect,
  type MachineConfig,
  type SupervisorEvent,
  type SupervisorState,
} from '../../../src/core/supervisor-machine.js';
import type { ControlCommand } from '../../../src/core/types.js';
import { noLimits, withSettings } from '../../helpers/machine-config.js';

const boot = (at: number): SupervisorEvent => ({ kind: 'boot', at, previous: { kind: 'none' } });

/** Feeds events in order and collects every effect. */
function run(events: SupervisorEvent[], config = noLimits, start = initialState('svc', 'svc-bin', config, 0)) {
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
const control = (command: ControlCommand, at: number): SupervisorEvent => ({ kind: 'control', runs: [{ command, letter: LETTERS[command], count: 1 }], at });

describe('supervisor machine: starting and pacing', () => {
  it('starts on boot and records the pid', () => {
    const { state, effects } = run([boot(0), started(100, 5)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }]);
    expect(state.service).toEqual({ pid: 100, startedAt: 5 });
    expect(state.starts).toBe(1);
    expect(effects).toContainEqual({ kind: 'log', level: 'notice', message: 'service svc started, pid 100' });
  });

  it('restarts a service that died at once one second after its previous start', () => {
    const { state, effects } = run([boot(0), started(100, 0), exited(100, 50)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1000 }]);
    expect(state.phase).toBe('waiting');
  });

  it('restarts at once a service that ran longer than a second', () => {
    const { effects } = run([boot(0), started(100, 0), exited(100, 5000)]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'start' }]);
  });

  it('puts a restart that is due now before the exit log line, as daemontools forks first; the start writes status', () => {
    const step = transition(run([boot(0), started(100, 0)]).state, exited(100, 5000));
    expect(step.effects.map((e) => e.kind)).toEqual(['start', 'log']);
  });

  it('takes d during the pacing wait at once: the armed start is cancelled', () => {
    const { state, effects } = run([boot(0), started(100, 0), exited(100, 50), control('down', 100), { kind: 'start-due', at: 1000 }]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1000 }, { kind: 'cancel-start' }]);
    expect(state.want).toBe('down');
  });

  it('treats an exec failure as an exit: paced and logged as a warning', () => {
    const { effects } = run([boot(0), { kind: 'start-failed', reason: 'EACCES', cause: 'exec', at: 1 }]);
    expect(kinds(effects)).toEqual([{ kind: 'start' }, { kind: 'arm-start', at: 1001 }]);
    expect(effects).toContainEqual({ kind: 'log', level: 'warning', message: 'unable to start service svc: EACCES' });
  });
});

describe('supervisor machine: control commands', () => {
  it('stops a service whose start was under way when d came, as soon as it is known to run', () => {
    // boot issues the start; d arrives before the outcome (an exec reported later).
    const { state, effects } = run([boot(0), control('down', 1), started(100, 2)]);
    expect(kinds(effects)).toEqual([
      { kind: 'start' },
      { kind: 'signal', pid: 100, signal: 'SIGTERM' },
      { kind: 'signal', pid: 100, signal: 'SIGCONT' },
    ]);
    expect(state).toMatchObject({ phase: 'stopping', want: 'down' });
  });

  const up = [boot(0), started(100, 0)];

  it('d sends TERM then CONT, marks the exit expected and does not restart', () => {
    const { state, effects } = run([...up, control('down', 10), exited(100, 20, 'SIGTERM')]);
    expect(kinds(effects)).toEqual([
      { kind: 'start' },
      { kind: 'signal', pid: 100, signal: 'SIGTERM' },
      { kind: 'signal', pid: 100, signal: 'SIGCONT' },
      // Leaving `stopping` always clears the stop timer, armed or not.
      { kind: 'cancel-stop-timeout' },
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
    expect(after.state.phase).toBe('finished');
  });

  it.each([
    ['hup', 'SIGHUP', false], ['alarm', 'SIGALRM', false], ['int', 'SIGINT', true], ['term', 'SIGTERM', true], ['kill', 'SIGKILL', true],
  ] as const)('%s sends %s (expected exit: %s)', (command, signal, expected) => {
    const { state, effects } = run([...up, control(command, 10)]);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'signal', pid: 100, signal });
    expect(state.endSignalledAt).toBe(expected ? 10 : null);
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
    expect(kinds(effects).map((e) => e.kind)).toEqual(['start', 'signal', 'signal', 'cancel-stop-timeout', 'exit']);
    expect(state.want).toBe('down');
    expect(state.lastExit?.expected).toBe(true);
  });
});

describe('supervisor machine: stop timeout', () => {
  const withTimeout = withSettings({ stopTimeout: 3 });
  it('sends KILL stop_timeout seconds after d when the service is still there', () => {
    const { effects } = run([boot(0), started(100, 0), control('down', 1000), { kind: 'stop-timeout', at: 4000 }], withTimeout);
    expect(kinds(effects)).toContainEqual({ kind: 'arm-stop-timeout', at: 4000 });
    expect(kinds(effects).at(-1)).toEqual({ kind: 'signal', pid: 100, signal: 'SIGKILL' });
  });

  it('cancels the timer when the service exits in time; 0 never arms it', () => {
    const { effects } = run([boot(0), started(100, 0), control('down', 1000), exited(100, 1500, 'SIGTERM')], withTimeout);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'cancel-stop-timeout' });
    const never = run([boot(0), started(100, 0), control('down', 1000)]);
    expect(kinds(never.effects).some((e) => e.kind === 'arm-stop-timeout')).toBe(false);
  });
});

describe('supervisor machine: alarms and giving up', () => {
  const limited = withSettings({ alarmInterval: 60, maxTries: 2 });

  it('alarms on the first exit of a window only, and gives up past max_tries', () => {
    const { state, effects } = run(
      [boot(0), started(1, 0), exited(1, 10), { kind: 'start-due', at: 1000 }, started(2, 1000), exited(2, 1010),
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
    const { state } = run([boot(0), started(1, 0), exited(1, 10, 'SIGSEGV')], limited);
    expect(state.lastExit).toMatchObject({ coreDumped: true, signal: 'SIGSEGV' });
  });

  it('sends no alarm for an exit supervise caused', () => {
    const { effects } = run([boot(0), started(1, 0), control('kill', 5), exited(1, 10, 'SIGKILL')], limited);
    expect(effects.some((e) => e.kind === 'alarm')).toBe(false);
  });
});

describe('supervisor machine: restart hook', () => {
  const hooked: MachineConfig = { ...noLimits, restartHook: true, hookResetSeconds: 10 };
  it('runs the hook with the exit count and restarts only after it is done', () => {
    const { effects } = run(
      [boot(0), started(1, 0), exited(1, 5000), { kind: 'hook-done', at: 5100 }, started(2, 5100), exited(2, 6000)],
      hooked,
    );
    expect(kinds(effects)).toEqual([
      { kind: 'start' }, { kind: 'run-hook', count: 1 }, { kind: 'start' }, { kind: 'run-hook', count: 2 },
    ]);
  });

  it('x during the hook exits once the hook is done', () => {
    const { effects } = run([boot(0), started(1, 0), exited(1, 5000), control('exit', 5010), { kind: 'hook-done', at: 5100 }], hooked);
    expect(kinds(effects).at(-1)).toEqual({ kind: 'exit', code: 0 });
  });
});

/**
 * Runs events as src/supervisor.ts does: a start is answered by a `started`
 * with the next pid, a reload by `config`, and the rest of a split read is
 * queued after them.
 */
function runAsShell(events: SupervisorEvent[], config = noLimits, reloaded: MachineConfig = config) {
  let state = initialState('svc', 'svc-bin', config, 0);
  const effects: Effect[] = [];
  const queue = [...events];
  let nextPid = 100;
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    const step = transition(state, event);
    state = step.state;
    const raised: SupervisorEvent[] = [];
    for (const effect of step.effects) {
      effects.push(effect);
      if (effect.kind === 'start') raised.push(started(nextPid++, event.kind === 'boot' || event.kind === 'control' ? event.at : 0));
      if (effect.kind === 'reload-config') raised.push({ kind: 'config', config: reloaded });
      if (effect.kind === 'resume-control') raised.push(effect.event);
    }
    queue.unshift(...raised);
  }
  return { state, effects };
}

/** The runs of one read, as the control codec decodes them. */
const read = (letters: string, at: number): SupervisorEvent => ({ kind: 'control', runs: decodeControlChunk(Buffer.from(letters)).runs, at });
/** The same letters as one read each, as if written one at a time. */
const oneByOne = (letters: string, at: number): SupervisorEvent[] => [...letters].map((letter) => read(letter, at));
const acts = (effects: Effect[]) => effects.filter((e) => e.kind !== 'log' && e.kind !== 'write-status' && e.kind !== 'resume-control');
const count = (effects: readonly Effect[], kind: Effect['kind']) => effects.filter((e) => e.kind === kind).length;

describe('supervisor machine: one read of many commands', () => {
  const up = [boot(0)];
  const downService = [...up, read('d', 10), exited(100, 20, 'SIGTERM')];

  it.each([
    ['dx', up], ['du', up], ['tcu', up], ['ud', downService], ['uh', downService], ['xd', up], ['dux', up], ['rd', up], ['ohpc', downService],
    ['pcpcpc', up], ['ududud', downService], ['snsns', up], ['kkk', up], ['hhhhkhh', up], ['hhhhd', downService], ['aaauhh', downService],
  ] as const)('%s in one read acts exactly as its letters written one by one', (letters, before) => {
    const reloaded = withSettings({ stopTimeout: 7 });
    const batch = runAsShell([...before, read(letters, 1000)], noLimits, reloaded);
    const single = runAsShell([...before, ...oneByOne(letters, 1000)], noLimits, reloaded);
    expect(batch.state).toEqual(single.state);
    expect(acts(batch.effects)).toEqual(acts(single.effects));
  });

  // The 64 KiB of sn in full; the other pairs shorter, to keep this file fast.
  it.each([
    ['sn', 32_768, false], ['hc', 2048, true], ['pc', 2048, true], ['ud', 2048, true], ['tc', 2048, true], ['ia', 2048, true],
  ] as const)('%s x %i gives the same state as one by one, with one status write, one log line and every signal', (pair, pairs, signals) => {
    const running = runAsShell(up).state;
    const step = transition(running, read(pair.repeat(pairs), 1000));
    const expected = Array.from({ length: pairs }).reduce<SupervisorState>(
      (state) => oneByOne(pair, 1000).reduce((s, event) => transition(s, event).state, state),
      running,
    );
    expect(step.state).toEqual(expected);
    expect(count(step.effects, 'write-status')).toBeLessThanOrEqual(1);
    const names = new RegExp(`^control commands: ${pairs * 2} in one read: ${pair[0]} \\(\\w+\\) x${pairs}, ${pair[1]} \\(\\w+\\) x${pairs}$`);
    expect(step.effects.filter((e) => e.kind === 'log')).toEqual([{ kind: 'log', level: 'notice', message: expect.stringMatching(names) }]);
    // Each command still sends its signal: two a pair (u sends none to a running service, d sends TERM and CONT).
    expect(count(step.effects, 'signal')).toBe(signals ? pairs * 2 : 0);
    expect(count(step.effects, 'start') + count(step.effects, 'resume-control')).toBe(0);
  });

  it('10,000 h then d: every h is its own HUP to the service, in order, and the d after them still stops it', () => {
    const running = runAsShell(up).state;
    const pid = running.service?.pid;
    const step = transition(running, read(`${'h'.repeat(10_000)}d`, 1000));
    const signals = step.effects.flatMap((e) => (e.kind === 'signal' ? [e] : []));
    expect(signals.slice(0, 10_000).every((e) => e.signal === 'SIGHUP' && e.pid === pid)).toBe(true);
    expect(signals.slice(10_000).map((e) => e.signal)).toEqual(['SIGTERM', 'SIGCONT']);
    expect(step.state.want).toBe('down');
    expect(step.state).toEqual(oneByOne(`${'h'.repeat(10_000)}d`, 1000).reduce((s, event) => transition(s, event).state, running));
  });

  it('writes status once, after the signals, from the final state', () => {
    const running = runAsShell(up).state;
    const step = transition(running, read(`${'pc'.repeat(3)}p`, 1000));
    expect(step.effects.map((e) => (e.kind === 'signal' ? e.signal : e.kind))).toEqual([
      'log', 'log', 'log', 'log', 'log', 'log', 'log',
      'SIGSTOP', 'SIGCONT', 'SIGSTOP', 'SIGCONT', 'SIGSTOP', 'SIGCONT', 'SIGSTOP', 'write-status',
    ]);
    expect(step.state.paused).toBe(true);
    // A read that leaves status as it was writes nothing.
    expect(transition(running, read('pc'.repeat(4), 1000)).effects.some((e) => e.kind === 'write-status')).toBe(false);
  });

  it('logs a line per run up to eight runs, and one counting line beyond', () => {
    const running = runAsShell(up).state;
    expect(transition(running, read('hhhsnhaa', 1000)).effects.filter((e) => e.kind === 'log').map((e) => e.kind === 'log' && e.message)).toEqual([
      'control command h (hup), 3 times', 'control command s (silence)', 'control command n (unsilence)', 'control command h (hup)',
      'control command a (alarm), 2 times',
    ]);
    expect(transition(running, read('snsnsnsns', 1000)).effects.filter((e) => e.kind === 'log')).toEqual([
      { kind: 'log', level: 'notice', message: 'control commands: 9 in one read: s (silence) x5, n (unsilence) x4' },
    ]);
  });

  it('reloads once per read, and applies the commands after the first r with the reloaded config', () => {
    const reloaded = withSettings({ stopTimeout: 7 });
    const { effects } = runAsShell([...up, read(`${'rs'.repeat(1000)}d`, 1000)], noLimits, reloaded);
    expect(count(effects, 'reload-config')).toBe(1);
    expect(effects).toContainEqual({ kind: 'arm-stop-timeout', at: 8000 });
    expect(count(effects, 'log')).toBe(2);
  });

  it('splits a read at a start, so the commands after u reach the service it started', () => {
    const before = runAsShell(downService);
    const { state, effects } = runAsShell([...downService, read('ud'.repeat(32_768), 1000)]);
    // One start, then TERM and CONT to the new pid for each d: the rest of the read is not lost.
    const ofRead = acts(effects).slice(acts(before.effects).length);
    expect(ofRead[0]).toEqual({ kind: 'start' });
    expect(ofRead.slice(1)).toHaveLength(32_768 * 2);
    expect(ofRead.slice(1, 3)).toEqual([{ kind: 'signal', pid: 101, signal: 'SIGTERM' }, { kind: 'signal', pid: 101, signal: 'SIGCONT' }]);
    expect(state).toMatchObject({ want: 'down', service: { pid: 101 } });
    expect(count(effects, 'resume-control')).toBe(1);
    expect(count(effects, 'log') - count(before.effects, 'log')).toBe(2);
  });

  it('drops the rest of a read after x has ended supervise', () => {
    const { state, effects } = runAsShell([...downService, read('xuh'.repeat(100), 1000)]);
    expect(state.phase).toBe('finished');
    expect(acts(effects).at(-1)).toEqual({ kind: 'exit', code: 0 });
    expect(count(effects, 'start')).toBe(1);
  });
});

describe('supervisor machine: which exits after a signal are expected', () => {
  const limited = withSettings({ alarmInterval: 60 });
  const up = [boot(0), started(100, 0)];
  const exitLog = (effects: Effect[]) => effects.find((e) => e.kind === 'log' && e.message.startsWith('service svc ') && e.message.includes(', pid 100,'));
  const alarms = (effects: Effect[]) => effects.filter((e) => e.kind === 'alarm');

  it('counts and alarms a core dump after t: the service survived the TERM and crashed', () => {
    const { state, effects } = run([...up, control('term', 1000), exited(100, 4000, 'SIGSEGV')], limited);
    expect(state.lastExit).toMatchObject({ expected: false, coreDumped: true });
    expect(state.window).toEqual({ openedAt: 4000, exits: 1, coreDumps: 1 });
    expect(alarms(effects)).toHaveLength(1);
    expect(exitLog(effects)).toEqual({
      kind: 'log', level: 'notice', message: 'service svc exited with coredump (SIGSEGV), pid 100, ran 4.0 s, not expected: dumped core',
    });
  });

  it('counts an exit 6 s after t with the 5 s grace, and takes one 1 s after t as expected', () => {
    const late = run([...up, control('term', 1000), exited(100, 7000, null, 0)], limited);
    expect(late.state.lastExit?.expected).toBe(false);
    expect(late.state.window?.exits).toBe(1);
    expect(alarms(late.effects)).toHaveLength(1);
    expect(exitLog(late.effects)).toMatchObject({ message: 'service svc exited with code 0, pid 100, ran 7.0 s, not expected: 6.0 s after the signal (grace 5 s)' });

    const soon = run([...up, control('term', 1000), exited(100, 2000, 'SIGTERM')], limited);
    expect(soon.state.lastExit?.expected).toBe(true);
    expect(soon.state.window).toBeNull();
    expect(alarms(soon.effects)).toHaveLength(0);
    expect(exitLog(soon.effects)).toMatchObject({ message: 'service svc was killed by SIGTERM, pid 100, ran 2.0 s, expected' });
  });

  it('takes stop_timeout as the grace: 8 s after k is expected with stop_timeout 10, 11 s is not', () => {
    const config = withSettings({ stopTimeout: 10 }, limited);
    expect(run([...up, control('kill', 1000), exited(100, 9000, null, 1)], config).state.lastExit?.expected).toBe(true);
    expect(run([...up, control('int', 1000), exited(100, 12_000, null, 1)], config).state.lastExit?.expected).toBe(false);
  });

  it('measures the grace from the last such signal', () => {
    expect(run([...up, control('term', 1000), control('term', 5000), exited(100, 9000, null, 1)], limited).state.lastExit?.expected).toBe(true);
    // h and a are not meant to end the service: they restart no grace.
    expect(run([...up, control('term', 1000), control('hup', 5000), exited(100, 9000, null, 1)], limited).state.lastExit?.expected).toBe(false);
  });

  it('keeps a clean exit after d expected however late (want down), but never a core dump', () => {
    const slow = run([...up, control('down', 1000), exited(100, 600_000, null, 0)], limited);
    expect(slow.state.lastExit?.expected).toBe(true);
    expect(alarms(slow.effects)).toHaveLength(0);
    const crashed = run([...up, control('down', 1000), exited(100, 2000, 'SIGABRT')], limited);
    expect(crashed.state.lastExit).toMatchObject({ expected: false, coreDumped: true });
    expect(alarms(crashed.effects)).toHaveLength(1);
    // Supervise's own SIGTERM is a d too.
    const terminated = run([...up, { kind: 'terminate', signal: 'SIGTERM', at: 1000 }, exited(100, 60_000, null, 0)], limited);
    expect(terminated.state.lastExit?.expected).toBe(true);
  });

  it('applies the grace after d then u: the service is restarted, so a late exit is a failure', () => {
    const { state } = run([...up, control('down', 1000), control('up', 1001), exited(100, 10_000, null, 1)], limited);
    expect(state.lastExit?.expected).toBe(false);
  });

  it('forgets the signal once the service is restarted', () => {
    const { state } = run(
      [...up, control('term', 1000), exited(100, 2000, 'SIGTERM'), started(101, 2000), exited(101, 3000, null, 1)],
      limited,
    );
    expect(state.lastExit).toMatchObject({ pid: 101, expected: false });
    expect(state.window?.exits).toBe(1);
  });
});

describe('supervisor machine: exit counts for the metrics', () => {
  it('counts each exit once by expected and core dump, a failed exec as an unexpected exit', () => {
    const { state } = run([
      boot(0),
      started(1, 0),
      exited(1, 1000), // unexpected, code 1
      started(2, 2000),
      exited(2, 3000, 'SIGSEGV'), // unexpected core dump
      started(3, 4000),
      control('kill', 5000),
      exited(3, 5100, 'SIGKILL'), // expected
      { kind: 'start-failed', reason: 'No such file', cause: 'exec', at: 6000 },
    ]);
    expect(state.exitCounts).toEqual({ expected: 1, unexpected: 2, expectedCoreDumps: 0, unexpectedCoreDumps: 1 });
  });
});
