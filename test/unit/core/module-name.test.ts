import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleNameOf, normalizeStatusPath } from '../../../src/core/module-name.js';

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

  // Issue 16, defect 11: each of these named the module `/redis`, `./redis`
  // or `redis/.`, so the [redis] section was silently ignored.
  it.each([
    ['status//redis', 'redis'],
    ['./status/./redis', 'redis'],
    ['/home/work/app/status/redis/.', 'redis'],
    ['/home/work/app/status/redis/./', 'redis'],
    ['status///redis//', 'redis'],
    ['.//status/redis', 'redis'],
    ['status/a/../redis', 'redis'],
    ['/srv//svc/./web/.', 'web'],
    ['./web', 'web'],
    ['web/.', 'web'],
  ])('names the spelling %s %s, as its plain form', (dir, name) => {
    expect(moduleNameOf(dir)).toBe(name);
  });
});

describe('normalizeStatusPath', () => {
  it.each([
    ['status//redis', 'status/redis'],
    ['./status/./redis', 'status/redis'],
    ['/home/w/status/redis/.', '/home/w/status/redis'],
    ['status/redis///', 'status/redis'],
    ['../status/redis', '../status/redis'],
    ['a/../../b', '../b'],
    ['/../x', '/x'],
    ['.', '.'],
    ['./', '.'],
    ['/', '/'],
    ['//', '/'],
  ])('%s -> %s', (path, normalized) => {
    expect(normalizeStatusPath(path)).toBe(normalized);
  });

  it('agrees with path.posix.normalize, less the trailing slash, and never looks at the working directory', () => {
    for (const path of ['status//redis/', './x/./y/../z/.', '/a//b/../../c', 'x/..', '../../a/./b//']) {
      const expected = posix.normalize(path).replace(/(.)\/$/, '$1');
      expect(normalizeStatusPath(path)).toBe(expected);
    }
  });
});
