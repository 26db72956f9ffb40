import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareStatusDir } from '../../../src/io/status-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describe('prepareStatusDir', () => {
  it('creates the directory and its missing parents with mode 0700, and takes an existing one', () => {
    const root = makeTempDir();
    const dir = join(root, 'a', 'b', 'c');
    prepareStatusDir(dir);
    for (const path of [join(root, 'a'), join(root, 'a', 'b'), dir]) {
      expect(statSync(path).isDirectory()).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o700 & ~process.umask());
    }
    expect(() => prepareStatusDir(dir)).not.toThrow();
  });

  it('names the real cause when a parent is a file, with exit 110', () => {
    const root = makeTempDir();
    writeFileSync(join(root, 'blocker'), '');
    const path = join(root, 'blocker', 'status', 'x');
    expect(() => prepareStatusDir(path)).toThrow(expect.objectContaining({ code: 'status-dir-unusable', exitCode: 110, message: `unable to create ${path}: ENOTDIR: not a directory` }));
    expect(() => prepareStatusDir(join(root, 'blocker'))).toThrow(expect.objectContaining({ code: 'status-dir-unusable', exitCode: 110, message: `unable to use ${join(root, 'blocker')}: not a directory` }));
  });
});
