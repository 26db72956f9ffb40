import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ORPHAN_KILL_DELAY_MS,
  judgeRecordedService,
  matchesCommand,
  orphanKillDelayMs,
  type ObservedProcess,
  type RecordedService,
} from '../../../src/core/orphan-service.js';

const T0 = 1_763_740_281_000;
const command = { argv: ['redis-server', '--port', '6379'], executable: '/usr/bin/redis-server' };
const recorded: RecordedService = { pid: 4242, startedAtMs: T0, supervisePid: 4000 };
const running: ObservedProcess = { argv: ['redis-server', '--port', '6379'], startedAtMs: T0 + 300, sessionId: 4000, state: 'S' };

describe('judgeRecordedService', () => {
  it('finds nothing to do without a status or with pid 0', () => {
    expect(judgeRecordedService(null, null, command, [1])).toEqual({ kind: 'none' });
    expect(judgeRecordedService({ ...recorded, pid: 0 }, null, command, [1])).toEqual({ kind: 'none' });
  });

  it('says gone when the pid no longer runs, zombies included', () => {
    expect(judgeRecordedService(recorded, null, command, [1])).toEqual({ kind: 'gone', pid: 4242 });
    expect(judgeRecordedService(recorded, { ...running, state: 'Z' }, command, [1])).toEqual({ kind: 'gone', pid: 4242 });
  });

  it('claims the service: same command, started when status says', () => {
    expect(judgeRecordedService(recorded, running, command, [1])).toEqual({ kind: 'orphan', pid: 4242 });
    expect(judgeRecordedService(recorded, { ...running, startedAtMs: T0 - 1900 }, command, [1]).kind).toBe('orphan');
  });

  it('leaves alone a reused pid that started at another time, even with the same command', () => {
    const verdict = judgeRecordedService(recorded, { ...running, startedAtMs: T0 + 3_600_000 }, command, [1]);
    expect(verdict).toEqual({ kind: 'unrelated', pid: 4242, reason: 'it started 3600.0 s away from the time in status' });
  });

  it('leaves alone a process with another command outside the old session', () => {
    const verdict = judgeRecordedService(recorded, { ...running, argv: ['sleep', '1000'], sessionId: 17 }, command, [1]);
    expect(verdict).toEqual({ kind: 'unrelated', pid: 4242, reason: 'it runs ["sleep","1000"], not the command' });
  });

  it('claims a service that exec\'d into another program when it is in the dead supervise\'s session', () => {
    expect(judgeRecordedService(recorded, { ...running, argv: ['sleep', 'infinity'] }, command, [1]).kind).toBe('orphan');
    expect(judgeRecordedService({ ...recorded, supervisePid: null }, { ...running, argv: ['sleep', 'infinity'] }, command, [1]).kind).toBe(
      'unrelated',
    );
  });

  it('never claims supervise itself', () => {
    expect(judgeRecordedService(recorded, running, command, [4242]).kind).toBe('unrelated');
  });
});

describe('matchesCommand', () => {
  it('accepts the argv itself and the #! forms execve produces', () => {
    expect(matchesCommand(['redis-server', '--port', '6379'], command)).toBe(true);
    expect(matchesCommand(['/bin/sh', '/usr/bin/redis-server', '--port', '6379'], command)).toBe(true);
    expect(matchesCommand(['/usr/bin/env', 'node', '/usr/bin/redis-server', '--port', '6379'], command)).toBe(true);
  });

  it('accepts the resolved path as argv[0], as setpriv and prlimit exec the command (SPEC section 15)', () => {
    expect(matchesCommand(['/usr/bin/redis-server', '--port', '6379'], command)).toBe(true);
    expect(matchesCommand(['/usr/bin/redis-server', '--port', '6380'], command)).toBe(false);
  });

  it('rejects other arguments and other programs', () => {
    expect(matchesCommand(['redis-server', '--port', '6380'], command)).toBe(false);
    expect(matchesCommand(['/bin/sh', '/usr/bin/other', '--port', '6379'], command)).toBe(false);
    expect(matchesCommand([], command)).toBe(false);
  });
});

describe('orphanKillDelayMs', () => {
  it('uses stop_timeout when set, else 5 s', () => {
    expect(orphanKillDelayMs(0)).toBe(DEFAULT_ORPHAN_KILL_DELAY_MS);
    expect(DEFAULT_ORPHAN_KILL_DELAY_MS).toBe(5000);
    expect(orphanKillDelayMs(2)).toBe(2000);
  });
});
