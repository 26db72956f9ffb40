import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExecFormat, locateExecutable } from '../../../src/io/resolve-executable.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** A 64-byte ELF header: class 2 (64-bit), the given byte order, type and machine. */
function elfHeader(machine: number, { littleEndian = true, type = 2, elfClass = 2 } = {}): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, elfClass, littleEndian ? 1 : 2, 1]);
  if (littleEndian) {
    header.writeUInt16LE(type, 16);
    header.writeUInt16LE(machine, 18);
  } else {
    header.writeUInt16BE(type, 16);
    header.writeUInt16BE(machine, 18);
  }
  return header;
}

/** No binfmt_misc table: the host's (qemu-user, say) must not change what these tests expect. */
const NO_BINFMT = '/nonexistent/binfmt_misc';

function file(content: string | Buffer): string {
  const path = join(makeTempDir(), 'program');
  writeFileSync(path, content);
  chmodSync(path, 0o755);
  return path;
}

describe('checkExecFormat', () => {
  it('accepts a #! script and the node binary itself', () => {
    expect(checkExecFormat(file('#!/bin/sh\nexit 0\n'))).toBeNull();
    expect(checkExecFormat(process.execPath)).toBeNull();
  });

  it.each<[NodeJS.Architecture, number]>([
    ['x64', 62],
    ['x64', 3],
    ['arm64', 183],
    ['arm64', 40],
  ])('accepts on %s an ELF executable for machine %d', (arch, machine) => {
    expect(checkExecFormat(file(elfHeader(machine)), arch, NO_BINFMT)).toBeNull();
    expect(checkExecFormat(file(elfHeader(machine, { type: 3, elfClass: 1 })), arch, NO_BINFMT)).toBeNull();
  });

  it.each<[NodeJS.Architecture, number, string]>([
    ['x64', 183, 'an ELF binary for aarch64, this host is x64'],
    ['arm64', 62, 'an ELF binary for x86_64, this host is arm64'],
    ['x64', 9999, 'an ELF binary for machine 9999, this host is x64'],
  ])('refuses on %s an ELF executable for machine %d', (arch, machine, detail) => {
    expect(checkExecFormat(file(elfHeader(machine)), arch, NO_BINFMT)).toBe(`exec format error (${detail})`);
  });

  it('lets the kernel judge any ELF executable on an architecture it does not know', () => {
    expect(checkExecFormat(file(elfHeader(183)), 'riscv32' as NodeJS.Architecture, NO_BINFMT)).toBeNull();
  });

  it('refuses the wrong byte order, an object file and a malformed header', () => {
    expect(checkExecFormat(file(elfHeader(62, { littleEndian: false })), 'x64', NO_BINFMT)).toBe('exec format error (an ELF binary for x86_64 big-endian, this host is x64)');
    expect(checkExecFormat(file(elfHeader(62, { type: 1 })), 'x64', NO_BINFMT)).toBe('exec format error (an ELF file of type 1, not an executable)');
    expect(checkExecFormat(file(elfHeader(62, { elfClass: 7 })), 'x64', NO_BINFMT)).toBe('exec format error (a malformed ELF header)');
  });

  it.each([
    ['a script without #!', 'touch /tmp/x\n'],
    ['an empty file', ''],
    ['a zip archive', Buffer.from('PK\x03\x04rest of it', 'latin1')],
    ['a truncated ELF header', elfHeader(62).subarray(0, 10)],
  ])('refuses %s', (_, content) => {
    expect(checkExecFormat(file(content), process.arch, NO_BINFMT)).toMatch(/^exec format error \(/);
  });
});

describe('locateExecutable', () => {
  it('searches PATH, skipping a file of the wrong format as execvp skips one it may not run', () => {
    const bad = makeTempDir();
    const good = makeTempDir();
    writeFileSync(join(bad, 'tool'), 'no shebang\n');
    chmodSync(join(bad, 'tool'), 0o755);
    writeFileSync(join(good, 'tool'), '#!/bin/sh\n');
    chmodSync(join(good, 'tool'), 0o755);
    expect(locateExecutable('tool', `${bad}:${good}`, '/')).toEqual({ path: join(good, 'tool') });
    expect(locateExecutable('tool', bad, '/')).toEqual({ problem: `${join(bad, 'tool')}: exec format error (neither a #! script nor an ELF binary)` });
  });

  it.each([
    ['FOO=bar', `not found on PATH (supervise runs no shell: set FOO in the environment of supervise, or run -f "sh -c '...'")`],
    ['cd', `not found on PATH (supervise runs no shell: run -f "sh -c '...'" for shell syntax)`],
    ['./app>out', `not found (supervise runs no shell: run -f "sh -c '...'" for shell syntax)`],
    ['$(which', `not found on PATH (supervise runs no shell: run -f "sh -c '...'" for shell syntax)`],
    ['no-such-program-here', 'not found on PATH'],
  ])('explains %s that is not found', (word, problem) => {
    expect(locateExecutable(word, '/nonexistent', makeTempDir())).toEqual({ problem });
  });
});
