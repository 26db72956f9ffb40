// The supervisor shell with in-memory adapters and a clock moved by hand: the
// timers it arms, the events it raises while carrying out effects, and the
// checks that something does NOT happen, which an end-to-end test could only
// make by sleeping.
import { describe, expect, it } from 'vitest';
import { decodeControlChunk } from '../../../src/codec/control-chunk.js';
import { EXIT_COMMAND, EXIT_LOCK } from '../../../src/core/exit-codes.js';
import type { MachineConfig, PreviousService, StartFailure, StartReport } from '../../../src/core/supervisor-machine.js';
import type { ServiceSignal } from '../../../src/core/types.js';
import { ORPHAN_POLL_MS, Supervisor, type StartCallbacks } from '../../../src/supervisor.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { noLimits, withSettings } from '../../helpers/machine-config.js';

type StartScript = 'runs' | { fails: string; cause: StartFailure };

/** A supervisor whose service, signals, status, log and exit are plain records. */
function harness(options: { config?: MachineConfig; callerWaiting?: boolean; starts?: StartScript[] } = {}) {
  const clock = new FakeClock();
  const script = [...(options.starts ?? [])];
  const running = new Map<number, StartCallbacks>();
  const orphans = new Set<number>();
  /** What the service's session holds besides the service pid: leftovers a sweep must end. */
  const session = new Set<number>();
  let sessionLooks = 0;
  const record = {
    log: [] as string[],
    signals: [] as string[],
    statusWrites: 0,
    reports: [] as StartReport[],
    hooks: [] as number[],
    exitCode: null as number | null,
  };
  let hookDone: (() => void) | null = null;
  let nextPid = 100;
  const supervisor = new Supervisor(
    { name: 'svc', program: 'svc-bin', config: options.config ?? noLimits, callerWaiting: options.callerWaiting ?? false },
    {
      clock,
      logger: {
        notice: (message) => record.log.push(`NOTICE ${message}`),
        warning: (message) => record.log.push(`WARNING ${message}`),
        fatal: (message) => record.log.push(`FATAL ${message}`),
      },
      writeStatus: () => (record.statusWrites += 1),
      startService(callbacks) {
        const how = script.shift() ?? 'runs';
        if (how !== 'runs') {
          callbacks.onStartFailed(how.fails, how.cause);
          return null;
        }
        const pid = nextPid++;
        running.set(pid, callbacks);
        return pid;
      },
      signalService: (pid: number, signal: ServiceSignal) => record.signals.push(`${signal} ${pid}`),
      sessionOf: () => 900,
      countSessionProcesses: () => {
        sessionLooks += 1;
        return session.size;
      },
      signalSession: (id, signal) => record.signals.push(`${signal} session ${id}`),
      isProcessRunning: (pid) => orphans.has(pid),
      sendAlarm: () => {},
      reloadConfig: () => null,
      rotateOutput: () => {},
      runRestartHook(count, done) {
        record.hooks.push(count);
        hookDone = done;
      },
      reportStart: (report) => record.reports.push(report),
      exit: (code) => (record.exitCode = code),
    },
  );
  return {
    clock,
    supervisor,
    record,
    orphans,
    session,
    get sessionLooks() {
      return sessionLooks;
    },
    boot(previous: PreviousService = { kind: 'none' }) {
      supervisor.dispatch({ kind: 'boot', at: clock.now(), previous });
    },
    control(letters: string) {
      supervisor.dispatch({ kind: 'control', runs: decodeControlChunk(Buffer.from(letters)).runs, at: clock.now() });
    },
    /** The service with `pid` exits now. */
    exit(pid: number, code: number | null = 1, signal: string | null = null) {
      const callbacks = running.get(pid);
      if (!callbacks) throw new Error(`pid ${pid} is not running`);
      running.delete(pid);
      callbacks.onExit(pid, code, signal);
    },
    /** The service with `pid` writes its newline on ready_fd. */
    ready(pid: number) {
      running.get(pid)?.onReady(pid);
    },
    finishHook() {
      const done = hookDone;
      hookDone = null;
      done?.();
    },
    get pid() {
      return supervisor.current.service?.pid ?? 0;
    },
  };
}

describe('supervisor shell: timers on an injected clock', () => {
  it('restarts a service that died at once exactly one second after its start, not before', () => {
    const h = harness();
    h.boot();
    h.clock.advance(200);
    h.exit(100);
    expect(h.supervisor.current.phase).toBe('waiting');
    h.clock.advance(799);
    expect(h.pid).toBe(0);
    h.clock.advance(1);
    expect(h.pid).toBe(101);
  });

  it('with stop_timeout 0 never sends KILL after d, however long the service takes', () => {
    const h = harness();
    h.boot();
    h.control('d');
    h.clock.advance(3_600_000);
    expect(h.record.signals).toEqual(['SIGTERM 100', 'SIGCONT 100']);
    expect(h.clock.pending).toBe(0);
  });

  it('sends KILL exactly stop_timeout seconds after d, and nothing after the exit', () => {
    const h = harness({ config: withSettings({ stopTimeout: 3 }) });
    h.boot();
    h.control('d');
    h.clock.advance(2999);
    expect(h.record.signals).toEqual(['SIGTERM 100', 'SIGCONT 100']);
    h.clock.advance(1);
    expect(h.record.signals.at(-1)).toBe('SIGKILL 100');
    h.exit(100, null, 'SIGKILL');
    expect(h.supervisor.current.phase).toBe('down');
    expect(h.clock.pending).toBe(0);
  });

  it('clears the stop timer when the service exits in time, so a later d gets its own full timeout', () => {
    const h = harness({ config: withSettings({ stopTimeout: 3 }) });
    h.boot();
    h.control('d');
    h.clock.advance(1000);
    h.exit(100, 0);
    h.control('u');
    expect(h.pid).toBe(101);
    h.clock.advance(1000);
    h.control('d');
    h.clock.advance(2999);
    expect(h.record.signals.filter((s) => s.startsWith('SIGKILL'))).toEqual([]);
    h.clock.advance(1);
    expect(h.record.signals.at(-1)).toBe('SIGKILL 101');
  });

  it('cancels the paced start on d during the wait: nothing starts, ever', () => {
    const h = harness();
    h.boot();
    h.clock.advance(100);
    h.exit(100);
    h.clock.advance(100);
    h.control('d');
    h.clock.advance(3_600_000);
    expect(h.pid).toBe(0);
    expect(h.record.log.filter((line) => line.includes('started, pid'))).toHaveLength(1);
    expect(h.clock.pending).toBe(0);
  });

  it('leaves a service that stays down alone: no start and no timer, ever', () => {
    const h = harness();
    h.boot();
    h.control('d');
    h.exit(100, null, 'SIGTERM');
    h.clock.advance(86_400_000);
    expect(h.pid).toBe(0);
    expect(h.clock.pending).toBe(0);
  });
});

describe('supervisor shell: events raised while effects run', () => {
  it('logs the exit before the restart it caused, though the start is carried out first', () => {
    const h = harness();
    h.boot();
    h.clock.advance(5000);
    h.exit(100);
    expect(h.record.log.slice(-2)).toEqual([
      'NOTICE service svc exited with code 1, pid 100, ran 5.0 s',
      'NOTICE service svc started, pid 101',
    ]);
  });

  it('hands the commands after u in one read to the service u started', () => {
    const h = harness();
    h.boot();
    h.control('d');
    h.exit(100, null, 'SIGTERM');
    h.clock.advance(2000);
    h.record.signals.length = 0;
    h.control('uh');
    expect(h.record.signals).toEqual(['SIGHUP 101']);
  });
});

describe('supervisor shell: the first start, as the caller waits for it', () => {
  it('reports the pid once status holds it', () => {
    const h = harness({ callerWaiting: true });
    h.boot();
    expect(h.record.reports).toEqual([{ ok: true, pid: 100 }]);
    expect(h.record.statusWrites).toBe(1);
  });

  it.each([
    ['exec', EXIT_COMMAND, 'unable to start svc-bin: spawn svc-bin ENOENT'],
    ['output', EXIT_LOCK, 'spawn svc-bin ENOENT'],
  ] as const)('fails the start-up on a failed first start (%s), exits %i and retries nothing', (cause, code, message) => {
    const h = harness({ callerWaiting: true, starts: [{ fails: 'spawn svc-bin ENOENT', cause }] });
    h.boot();
    expect(h.record.reports).toEqual([{ ok: false, exitCode: code, message }]);
    expect(h.record.exitCode).toBe(code);
    expect(h.record.log.at(-1)).toBe('FATAL unable to start service svc: spawn svc-bin ENOENT');
    h.clock.advance(60_000);
    expect(h.clock.pending).toBe(0);
  });

  it('keeps running on a first start that a setting keeps from starting (user while not root): the caller is warned, starts are paced', () => {
    const failure = 'user app needs supervise to run as root';
    const h = harness({ callerWaiting: true, starts: [{ fails: failure, cause: 'settings' }, { fails: failure, cause: 'settings' }] });
    h.boot();
    expect(h.record.reports).toEqual([
      { ok: true, pid: 0, warning: `unable to start service svc: ${failure}; supervise keeps trying once a second` },
    ]);
    expect(h.record.exitCode).toBeNull();
    expect(h.record.log).toContain(`WARNING unable to start service svc: ${failure}`);
    h.clock.advance(999);
    expect(h.record.log.filter((line) => line.includes(failure))).toHaveLength(1);
    h.clock.advance(1);
    expect(h.record.log.filter((line) => line.includes(failure))).toHaveLength(2);
    h.clock.advance(1000);
    expect(h.pid).toBe(100);
    expect(h.record.reports).toHaveLength(1);
  });

  it('without a caller (--foreground) paces and retries a failed start like an exit', () => {
    const h = harness({ starts: [{ fails: 'EACCES', cause: 'exec' }] });
    h.boot();
    expect(h.record.exitCode).toBeNull();
    h.clock.advance(1000);
    expect(h.pid).toBe(100);
  });
});

describe('supervisor shell: a service left by a killed supervise', () => {
  const orphan: PreviousService = { kind: 'orphan', pid: 50, argv: ['svc-bin'], startTicks: 9 };

  it('stops it with TERM and starts the fresh one once /proc shows it gone', () => {
    const h = harness();
    h.orphans.add(50);
    h.boot(orphan);
    expect(h.record.signals).toEqual(['SIGTERM 50', 'SIGCONT 50']);
    h.clock.advance(ORPHAN_POLL_MS * 4);
    expect(h.pid).toBe(0);
    h.orphans.delete(50);
    h.clock.advance(ORPHAN_POLL_MS);
    expect(h.pid).toBe(100);
    expect(h.record.log).toContain('NOTICE old service svc pid 50 gone after TERM, 0.1 s');
    expect(h.clock.pending).toBe(0);
  });

  it('sends KILL after 5 s with stop_timeout 0, and fails the start-up with 111 when it outlives KILL by 5 s', () => {
    const h = harness({ callerWaiting: true });
    h.orphans.add(50);
    h.boot(orphan);
    h.clock.advance(4999);
    expect(h.record.signals).toEqual(['SIGTERM 50', 'SIGCONT 50']);
    h.clock.advance(1);
    expect(h.record.signals.at(-1)).toBe('SIGKILL 50');
    h.clock.advance(5000);
    const failure = 'unable to stop old service svc pid 50: still running 5 s after KILL';
    expect(h.record.reports).toEqual([{ ok: false, exitCode: EXIT_LOCK, message: failure }]);
    expect(h.record.exitCode).toBe(EXIT_LOCK);
    expect(h.pid).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  it('takes d and x written meanwhile: the orphan stopped, supervise exits without starting anything', () => {
    const h = harness();
    h.orphans.add(50);
    h.boot(orphan);
    h.control('dx');
    h.orphans.delete(50);
    h.clock.advance(ORPHAN_POLL_MS);
    expect(h.record.exitCode).toBe(0);
    expect(h.record.log.some((line) => line.includes('started, pid'))).toBe(false);
  });
});

describe('supervisor shell: the sweep of what an exited service left (SPEC section 11)', () => {
  it('starts again only once the session is empty, looking at /proc only during the sweep', () => {
    const h = harness();
    h.boot();
    h.clock.advance(2000);
    const looksBefore = h.sessionLooks;
    h.session.add(555);
    h.exit(100);
    expect(h.supervisor.current.phase).toBe('sweeping');
    expect(h.record.signals).toEqual(['SIGTERM session 900', 'SIGCONT session 900']);
    h.clock.advance(1000);
    expect(h.pid).toBe(0);
    h.session.clear();
    h.clock.advance(50);
    expect(h.pid).toBe(101);
    // Up again: no timer polls the session while the service just runs.
    const looksAfterSweep = h.sessionLooks;
    expect(looksAfterSweep).toBeGreaterThan(looksBefore);
    h.clock.advance(60_000);
    expect(h.sessionLooks).toBe(looksAfterSweep);
    expect(h.clock.pending).toBe(0);
  });

  it('sends KILL to the session after the grace (5 s with stop_timeout 0) and carries on 5 s after KILL if something is stuck', () => {
    const h = harness();
    h.boot();
    h.clock.advance(2000);
    h.session.add(555);
    h.exit(100);
    h.clock.advance(4999);
    expect(h.record.signals).not.toContain('SIGKILL session 900');
    h.clock.advance(1);
    expect(h.record.signals.at(-1)).toBe('SIGKILL session 900');
    h.clock.advance(5000);
    expect(h.pid).toBe(101);
    expect(h.record.log.some((line) => line.startsWith('WARNING unable to empty session 900'))).toBe(true);
  });

  it('reads control during the sweep: d then x make supervise exit once the session is empty, starting nothing', () => {
    const h = harness();
    h.boot();
    h.clock.advance(2000);
    h.session.add(555);
    h.exit(100);
    h.control('dx');
    expect(h.record.exitCode).toBe(null);
    h.session.clear();
    h.clock.advance(50);
    expect(h.record.exitCode).toBe(0);
    expect(h.pid).toBe(0);
  });

  it('under kill_mode process leaves the session alone and restarts as before, without reading /proc at the exit', () => {
    const h = harness({ config: withSettings({ killMode: 'process' }) });
    h.boot();
    h.clock.advance(2000);
    h.session.add(555);
    h.exit(100);
    expect(h.pid).toBe(101);
    expect(h.record.signals).toEqual([]);
    expect(h.sessionLooks).toBe(0);
  });

  it('under kill_mode all sends d and h to the whole session', () => {
    const h = harness({ config: withSettings({ killMode: 'all' }) });
    h.boot();
    h.control('h');
    h.control('d');
    expect(h.record.signals).toEqual(['SIGHUP session 900', 'SIGTERM session 900', 'SIGCONT session 900']);
  });
});

describe('supervisor shell: the restart hook', () => {
  const hooked = (resetSeconds: number): MachineConfig => ({ ...noLimits, restartHook: true, hookResetSeconds: resetSeconds });

  it('counts exits and starts anew at 1 after -t seconds without one', () => {
    const h = harness({ config: hooked(10) });
    h.boot();
    for (const pid of [100, 101]) {
      h.clock.advance(2000);
      h.exit(pid);
      h.finishHook();
    }
    h.clock.advance(9999);
    h.exit(102);
    h.finishHook();
    h.clock.advance(10_000);
    h.exit(103);
    expect(h.record.hooks).toEqual([1, 2, 3, 1]);
  });

  it('starts nothing while the hook runs, however long it takes', () => {
    const h = harness({ config: hooked(0) });
    h.boot();
    h.clock.advance(2000);
    h.exit(100);
    h.clock.advance(3_600_000);
    expect(h.pid).toBe(0);
    h.finishHook();
    expect(h.pid).toBe(101);
  });
});

describe('supervisor shell: several in one process', () => {
  it('keeps each supervisor to its own state, timers and adapters', () => {
    const a = harness({ config: withSettings({ stopTimeout: 2 }) });
    const b = harness();
    a.boot();
    b.boot();
    a.control('d');
    a.clock.advance(2000);
    expect(a.record.signals.at(-1)).toBe('SIGKILL 100');
    expect(b.record.signals).toEqual([]);
    expect(b.supervisor.current.phase).toBe('up');
  });
});

describe('supervisor shell: readiness and restart delay (SPEC section 15)', () => {
  it('warns exactly ready_timeout seconds after the start of a service that never says it is ready', () => {
    const h = harness({ config: withSettings({ readyFd: 3, readyTimeout: 5 }) });
    h.boot();
    h.clock.advance(4999);
    expect(h.record.log.filter((line) => line.startsWith('WARNING'))).toEqual([]);
    h.clock.advance(1);
    expect(h.record.log).toContain('WARNING service svc pid 100 not ready 5 s after its start (ready_timeout 5): no newline on descriptor 3 yet');
    expect(h.supervisor.current.readyTimedOut).toBe(true);
  });

  it('warns about nothing, ever, when the service says it is ready in time', () => {
    const h = harness({ config: withSettings({ readyFd: 3, readyTimeout: 5 }) });
    h.boot();
    h.clock.advance(1200);
    h.ready(100);
    expect(h.supervisor.current.readySince).toBe(h.clock.now());
    expect(h.record.log).toContain('NOTICE service svc ready, pid 100, 1.2 s after its start');
    h.clock.advance(3_600_000);
    expect(h.record.log.filter((line) => line.startsWith('WARNING'))).toEqual([]);
  });

  it('does not take the timeout of an earlier start for the next one', () => {
    const h = harness({ config: withSettings({ readyFd: 3, readyTimeout: 5 }) });
    h.boot();
    h.clock.advance(2000);
    h.exit(100);
    // Restarted at once (it ran 2 s); its own timeout runs from its start.
    expect(h.pid).toBe(101);
    h.clock.advance(4999);
    expect(h.record.log.filter((line) => line.startsWith('WARNING'))).toEqual([]);
    h.clock.advance(1);
    expect(h.record.log.filter((line) => line.startsWith('WARNING'))).toEqual([
      'WARNING service svc pid 101 not ready 5 s after its start (ready_timeout 5): no newline on descriptor 3 yet',
    ]);
  });

  it('spaces the starts of a crash loop 1, 2, 4, 4 s apart with restart_delay 1 and restart_delay_max 4', () => {
    const h = harness({ config: withSettings({ restartDelay: 1, restartDelayMax: 4 }) });
    const t0 = h.clock.now();
    h.boot();
    const startedAt: number[] = [0];
    for (let pid = 100; pid < 104; pid += 1) {
      h.exit(pid);
      while (h.pid === 0) h.clock.advance(1);
      startedAt.push(h.clock.now() - t0);
    }
    expect(startedAt).toEqual([0, 1000, 3000, 7000, 11_000]);
  });

  it('on u within a second of the last start, starts one second after it (SPEC section 5), not restart_delay after it', () => {
    const h = harness({ config: withSettings({ restartDelay: 60 }) });
    h.boot();
    h.clock.advance(100);
    h.exit(100);
    h.clock.advance(300);
    h.control('u');
    expect(h.record.statusWrites).toBeGreaterThan(0);
    expect(h.supervisor.current.startDueAt).toBe(h.clock.now() - 400 + 1000);
    h.clock.advance(599);
    expect(h.pid).toBe(0);
    h.clock.advance(1);
    expect(h.pid).toBe(101);
  });

  it('starts at once on u during a long wait', () => {
    const h = harness({ config: withSettings({ restartDelay: 60 }) });
    h.boot();
    h.clock.advance(5000);
    h.exit(100);
    expect(h.supervisor.current.phase).toBe('waiting');
    h.control('u');
    expect(h.pid).toBe(101);
    // The cancelled timer starts nothing more.
    h.clock.advance(120_000);
    expect(h.pid).toBe(101);
    expect(h.supervisor.current.starts).toBe(2);
  });
});
