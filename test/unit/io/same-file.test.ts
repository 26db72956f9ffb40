import { closeSync, linkSync, openSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { comparePathWithOpenFile, isSameFile } from '../../../src/io/same-file.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** A file in a fresh directory, open for reading until the test ends. */
function openFile(): { dir: string; path: string; fd: number } {
  const dir = makeTempDir();
  const path = join(dir, 'file');
  writeFileSync(path, 'x');
  const fd = openSync(path, 'r');
  onTestFinished(() => closeSync(fd));
  return { dir, path, fd };
}

describe('isSameFile', () => {
  it('compares device and inode, not names', () => {
    const { dir, path } = openFile();
    linkSync(path, join(dir, 'hard link'));
    writeFileSync(join(dir, 'other'), 'x');
    expect(isSameFile(statSync(path, { bigint: true }), statSync(join(dir, 'hard link'), { bigint: true }))).toBe(true);
    expect(isSameFile(statSync(path, { bigint: true }), statSync(join(dir, 'other'), { bigint: true }))).toBe(false);
  });

  it('tells an inode on another device apart', () => {
    expect(isSameFile({ dev: 1n, ino: 5n }, { dev: 2n, ino: 5n })).toBe(false);
  });
});

describe('comparePathWithOpenFile', () => {
  it('is same while the path names the open file', () => {
    const { path, fd } = openFile();
    expect(comparePathWithOpenFile(path, fd, { followSymlinks: false })).toBe('same');
  });

  it('is missing once the file was removed or renamed away', () => {
    const { dir, path, fd } = openFile();
    renameSync(path, join(dir, 'file.1'));
    expect(comparePathWithOpenFile(path, fd, { followSymlinks: true })).toBe('missing');
  });

  it('is other once another file took the name', () => {
    const { path, fd } = openFile();
    unlinkSync(path);
    writeFileSync(path, 'x');
    expect(comparePathWithOpenFile(path, fd, { followSymlinks: true })).toBe('other');
  });

  it('counts a symlink to the open file as naming it only when following symlinks', () => {
    const { dir, fd } = openFile();
    const link = join(dir, 'link');
    symlinkSync('file', link);
    expect(comparePathWithOpenFile(link, fd, { followSymlinks: true })).toBe('same');
    expect(comparePathWithOpenFile(link, fd, { followSymlinks: false })).toBe('other');
  });
});
