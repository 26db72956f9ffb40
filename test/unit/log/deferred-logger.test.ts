import { describe, expect, it } from 'vitest';
import { DeferredLogger } from '../../../src/log/deferred-logger.js';

function recorder(now: () => Date) {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${now().toISOString()} ${message}`);
  return { lines, logger: { notice: at('notice'), warning: at('warning'), fatal: at('fatal'), close: () => lines.push('closed') } };
}

describe('DeferredLogger', () => {
  it('replays lines logged before attach in order, with the time they were logged', async () => {
    const deferred = new DeferredLogger();
    deferred.notice('first');
    const firstAt = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    deferred.warning('second');
    let lines: string[] = [];
    deferred.attach((now) => {
      const made = recorder(now);
      lines = made.lines;
      return made.logger;
    });
    deferred.fatal('third');
    expect(lines.map((line) => line.split(' ')[0] + ' ' + line.split(' ')[2])).toEqual(['notice first', 'warning second', 'fatal third']);
    expect(Math.abs(Date.parse(lines[0].split(' ')[1]) - firstAt.getTime())).toBeLessThan(15);
    expect(Date.parse(lines[1].split(' ')[1])).toBeGreaterThan(Date.parse(lines[0].split(' ')[1]));
    deferred.close();
    deferred.notice('after close');
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
