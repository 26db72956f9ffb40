// Finds the service's executable before daemonizing, so a typo is exit 112 in
// the caller's terminal instead of a crash loop in the background.
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { SuperviseError } from '../core/supervise-error.js';
import { BINFMT_MISC_DIR, binfmtMiscRuns } from './binfmt-misc.js';

/** The executable's path, or why it cannot be run. */
export type Located = { path: string } | { problem: string };

/**
 * Looks `word` up as execvp would: a word with a `/` is a path against `cwd`,
 * any other word is searched on `searchPath`.
 */
export function locateExecutable(word: string, searchPath: string | undefined, cwd: string): Located {
  if (word.includes('/')) {
    const path = resolve(cwd, word);
    const problem = checkExecutable(path);
    return problem === null ? { path } : { problem: withShellHint(word, problem) };
  }
  const directories = (searchPath ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  let firstProblem: string | null = null;
  for (const directory of directories) {
    const path = resolve(cwd, directory === '' ? '.' : directory, word);
    const problem = checkExecutable(path);
    if (problem === null) return { path };
    if (problem !== 'not found') firstProblem ??= `${path}: ${problem}`;
  }
  return { problem: withShellHint(word, firstProblem ?? 'not found on PATH') };
}

/** The executable's path; a SuperviseError (exit 112) naming `what` when it cannot be run. */
export function resolveExecutable(word: string, searchPath: string | undefined, cwd: string, what = word): string {
  const located = locateExecutable(word, searchPath, cwd);
  if ('problem' in located) throw new SuperviseError('command-unrunnable', `unable to run ${what}: ${located.problem}`);
  return located.path;
}

function checkExecutable(path: string): string | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 'not found';
  }
  if (stat.isDirectory()) return 'is a directory';
  if (!stat.isFile()) return 'not a regular file';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return 'not executable';
  }
  // root passes X_OK when any execute bit is set, which execve also accepts.
  return checkExecFormat(path);
}

// Shell builtins people put first in a start command: no file of that name runs them.
const SHELL_BUILTINS = new Set(['cd', 'export', 'source', '.', 'ulimit', 'umask', 'exec', 'set', 'unset', 'eval', 'alias']);

/**
 * People copy commands from start scripts: `FOO=bar ./app`, `cd /x && ./app`.
 * Without a shell these are words, so say so instead of only "not found".
 */
function withShellHint(word: string, problem: string): string {
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word);
  if (assignment) {
    return `${problem} (supervise runs no shell: set ${assignment[1]} in the environment of supervise, or run -f "sh -c '...'")`;
  }
  if (/[|&;<>()$`]/.test(word) || SHELL_BUILTINS.has(word)) {
    return `${problem} (supervise runs no shell: run -f "sh -c '...'" for shell syntax)`;
  }
  return problem;
}

// ELF e_machine values (elf.h) a kernel on each Node architecture runs
// natively, or through its usual 32-bit compatibility layer.
const RUNNABLE_MACHINES: Readonly<Partial<Record<NodeJS.Architecture, readonly number[]>>> = {
  x64: [62, 3],
  ia32: [3],
  arm64: [183, 40],
  arm: [40],
  ppc64: [21, 20],
  ppc: [20],
  s390x: [22],
  s390: [22],
  riscv64: [243],
  loong64: [258],
  mips: [8],
  mipsel: [8],
};

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: 'i386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  50: 'ia64',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
};

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const ET_EXEC = 2;
const ET_DYN = 3;

/**
 * "exec format error ..." when execve would fail with ENOEXEC, else null.
 * execvp, which Node's spawn uses, then runs the file with /bin/sh instead,
 * so a foreign binary or a script without `#!` would fail every second with
 * sh's errors, or worse, run as a shell script nobody asked for. A format
 * the kernel's binfmt_misc table claims (qemu-user, say) is runnable.
 */
export function checkExecFormat(path: string, arch: NodeJS.Architecture = process.arch, binfmtDir = BINFMT_MISC_DIR): string | null {
  // 256 bytes: the kernel's own look at a file (BINPRM_BUF_SIZE), which binfmt_misc magic stays within.
  const head = readHead(path, 256);
  // Unreadable (an execute-only file run by another user): execve will tell.
  if (head === null) return null;
  const problem = describeFormatProblem(head, arch);
  return problem !== null && !binfmtMiscRuns(head, path, binfmtDir) ? problem : null;
}

function describeFormatProblem(head: Buffer, arch: NodeJS.Architecture): string | null {
  if (head[0] === 0x23 && head[1] === 0x21) return null; // #!
  if (head.length < 20 || !head.subarray(0, 4).equals(ELF_MAGIC)) {
    return 'exec format error (neither a #! script nor an ELF binary)';
  }
  const elfClass = head[4];
  const data = head[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) return 'exec format error (a malformed ELF header)';
  const littleEndian = data === 1;
  const type = littleEndian ? head.readUInt16LE(16) : head.readUInt16BE(16);
  if (type !== ET_EXEC && type !== ET_DYN) return `exec format error (an ELF file of type ${type}, not an executable)`;
  const machines = RUNNABLE_MACHINES[arch];
  // An architecture not listed here: let execve judge.
  if (machines === undefined) return null;
  const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const sameOrder = littleEndian === (endianness() === 'LE');
  if (machines.includes(machine) && sameOrder) return null;
  const name = MACHINE_NAMES[machine] ?? `machine ${machine}`;
  return `exec format error (an ELF binary for ${name}${sameOrder ? '' : littleEndian ? ' little-endian' : ' big-endian'}, this host is ${arch})`;
}

/** Up to `length` first bytes of the file, or null when it cannot be read. */
export function readHead(path: string, length: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(length);
    return head.subarray(0, readSync(fd, head, 0, length, 0));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
