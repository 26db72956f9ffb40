import { describe, expect, it } from 'vitest';
import { moduleNameOf } from '../../../src/core/module-name.js';

describe('moduleNameOf (SPEC section 1)', () => {
  it.each([
    ['status/redis', 'redis'],
    ['status/redis/', 'redis'],
    ['/home/work/app/status/meta.txn-recover//', 'meta.txn-recover'],
    ['./status/a/b', 'a/b'],
    ['/var/run/svc/web', 'web'],
    ['mystatus/x', 'x'],
    ['web', 'web'],
  ])('names %s %s', (dir, name) => {
    expect(moduleNameOf(dir)).toBe(name);
  });
});
