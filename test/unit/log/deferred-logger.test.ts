import { describe, expect, it } from 'vitest';
import { DeferredLogger } from '../../../src/log/deferred-logger.js';

function recorder(now: () => Date) {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${now().toISOString()} ${message}`);
  return { lines, logger: { notice: at('notice'), warning: at('warning'), fatal: at('fatal'), close: async () => void lines.push('closed') } };
}

describe('DeferredLogger', () => {
  it('replays lines logged before attach in order, with the time they were logged', async () => {
    let clock = Date.parse('2026-11-21T15:51:21.000Z');
    const deferred = new DeferredLogger(() => new Date(clock));
    deferred.notice('first');
    clock += 20;
    deferred.warning('second');
    clock += 1000;
    let lines: string[] = [];
    deferred.attach((now) => {
      const made = recorder(now);
      lines = made.lines;
      return made.logger;
    });
    deferred.fatal('third');
    expect(lines).toEqual([
      'notice 2026-11-21T15:51:21.000Z first',
      'warning 2026-11-21T15:51:21.020Z second',
      'fatal 2026-11-21T15:51:22.020Z third',
    ]);
    const closing = deferred.close();
    deferred.notice('after close');
    await closing;
    expect(lines.at(-1)).toBe('closed');
  });
});

describe('DeferredLogger when the files cannot be opened', () => {
  it('keeps the lines and attaches at the next line once the factory works', () => {
    const deferred = new DeferredLogger();
    let fail = true;
    let lines: string[] = [];
    const factory = (now: () => Date) => {
      if (fail) throw new Error('ENOENT');
      const made = recorder(now);
      lines = made.lines;
      return made.logger;
    };
    deferred.notice('one');
    expect(deferred.attach(factory)).toBe(false);
    deferred.notice('two');
    fail = false;
    deferred.warning('three');
    expect(deferred.attached).toBe(true);
    expect(lines.map((line) => line.split(' ').at(-1))).toEqual(['one', 'two', 'three']);
  });
});
