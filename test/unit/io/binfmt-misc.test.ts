import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binfmtEntryMatches, binfmtMiscRuns, parseBinfmtEntry } from '../../../src/io/binfmt-misc.js';
import { checkExecFormat } from '../../../src/io/resolve-executable.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

// As the kernel shows a qemu-user registration (fs/binfmt_misc.c, entry_status).
const QEMU_AARCH64 = [
  'enabled',
  'interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P',
  'flags: POCF',
  'offset 0',
  'magic 7f454c460201010000000000000000000200b700',
  'mask ffffffffffffff00fffffffffffffffffeffffff',
  '',
].join('\n');

const MONO_EXE = ['enabled', 'interpreter /usr/bin/mono', 'flags: ', 'extension .exe', ''].join('\n');

function aarch64Header(): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(183, 18);
  return header;
}

/** A directory laid out like /proc/sys/fs/binfmt_misc. */
function binfmtDir(status: 'enabled' | 'disabled', entries: Record<string, string>): string {
  const dir = join(makeTempDir(), 'binfmt_misc');
  mkdirSync(dir);
  writeFileSync(join(dir, 'status'), `${status}\n`);
  writeFileSync(join(dir, 'register'), '');
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('binfmt_misc', () => {
  it('parses magic and extension entries and skips what is not one', () => {
    expect(parseBinfmtEntry(QEMU_AARCH64)).toMatchObject({ enabled: true, kind: 'magic', offset: 0 });
    expect(parseBinfmtEntry(MONO_EXE)).toEqual({ enabled: true, kind: 'extension', extension: '.exe' });
    expect(parseBinfmtEntry(QEMU_AARCH64.replace('enabled', 'disabled'))).toMatchObject({ enabled: false });
    expect(parseBinfmtEntry('')).toBeNull();
    expect(parseBinfmtEntry('enabled\n')).toBeNull();
  });

  it('matches the magic under its mask, and the extension after the last dot', () => {
    const qemu = parseBinfmtEntry(QEMU_AARCH64)!;
    expect(binfmtEntryMatches(qemu, aarch64Header(), '/x/app')).toBe(true);
    // ET_DYN (3) passes the mask's fe on e_type, a different machine does not.
    const dyn = aarch64Header();
    dyn.writeUInt16LE(3, 16);
    expect(binfmtEntryMatches(qemu, dyn, '/x/app')).toBe(true);
    const x86 = aarch64Header();
    x86.writeUInt16LE(62, 18);
    expect(binfmtEntryMatches(qemu, x86, '/x/app')).toBe(false);
    expect(binfmtEntryMatches(qemu, aarch64Header().subarray(0, 10), '/x/app')).toBe(false);
    const mono = parseBinfmtEntry(MONO_EXE)!;
    expect(binfmtEntryMatches(mono, Buffer.from('MZ'), '/x/tool.exe')).toBe(true);
    expect(binfmtEntryMatches(mono, Buffer.from('MZ'), '/x.exe/tool')).toBe(false);
  });

  it('only counts enabled entries in an enabled table', () => {
    const head = aarch64Header();
    expect(binfmtMiscRuns(head, '/x/app', binfmtDir('enabled', { 'qemu-aarch64': QEMU_AARCH64 }))).toBe(true);
    expect(binfmtMiscRuns(head, '/x/app', binfmtDir('disabled', { 'qemu-aarch64': QEMU_AARCH64 }))).toBe(false);
    expect(binfmtMiscRuns(head, '/x/app', binfmtDir('enabled', { 'qemu-aarch64': QEMU_AARCH64.replace('enabled', 'disabled') }))).toBe(false);
    expect(binfmtMiscRuns(head, '/x/app', join(makeTempDir(), 'not-mounted'))).toBe(false);
  });

  it('lets checkExecFormat accept a foreign binary qemu-user is registered for', () => {
    const path = join(makeTempDir(), 'app');
    writeFileSync(path, aarch64Header());
    chmodSync(path, 0o755);
    expect(checkExecFormat(path, 'x64', binfmtDir('enabled', { 'qemu-aarch64': QEMU_AARCH64 }))).toBeNull();
    expect(checkExecFormat(path, 'x64', binfmtDir('enabled', {}))).toMatch(/^exec format error/);
  });
});
