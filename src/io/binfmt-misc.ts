// The kernel's binfmt_misc table (/proc/sys/fs/binfmt_misc): formats execve
// runs through a registered interpreter, such as qemu-user for another
// architecture's binaries. A file one of them matches is not an exec format
// error, even when it is neither `#!` nor a native ELF binary.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const BINFMT_MISC_DIR = '/proc/sys/fs/binfmt_misc';

/** One registered format, as its file in the binfmt_misc directory describes it. */
export type BinfmtEntry =
  | { enabled: boolean; kind: 'magic'; offset: number; magic: Buffer; mask: Buffer | null }
  | { enabled: boolean; kind: 'extension'; extension: string };

/** An entry file's text, or null when it is not one (the `register` and `status` files, or a format unknown here). */
export function parseBinfmtEntry(text: string): BinfmtEntry | null {
  const lines = text.split('\n');
  const enabled = lines[0] === 'enabled';
  if (!enabled && lines[0] !== 'disabled') return null;
  const field = (name: string): string | undefined => lines.find((line) => line.startsWith(`${name} `))?.slice(name.length + 1).trim();
  const extension = field('extension');
  if (extension !== undefined) return { enabled, kind: 'extension', extension };
  const magic = field('magic');
  if (magic === undefined || !/^(?:[0-9a-f]{2})+$/.test(magic)) return null;
  const mask = field('mask');
  return {
    enabled,
    kind: 'magic',
    offset: Number(field('offset') ?? 0),
    magic: Buffer.from(magic, 'hex'),
    mask: mask !== undefined && /^(?:[0-9a-f]{2})+$/.test(mask) ? Buffer.from(mask, 'hex') : null,
  };
}

/** Whether the entry would claim the file at `path` that starts with `head`. */
export function binfmtEntryMatches(entry: BinfmtEntry, head: Buffer, path: string): boolean {
  if (!entry.enabled) return false;
  if (entry.kind === 'extension') {
    // The kernel compares what follows the last dot of the path execve was given.
    const dot = path.lastIndexOf('.');
    return dot !== -1 && path.slice(dot) === entry.extension;
  }
  const end = entry.offset + entry.magic.length;
  if (head.length < end) return false;
  for (let index = 0; index < entry.magic.length; index += 1) {
    const mask = entry.mask?.[index] ?? 0xff;
    if ((head[entry.offset + index] & mask) !== (entry.magic[index] & mask)) return false;
  }
  return true;
}

/** Whether an enabled binfmt_misc format claims the file; false when the table is absent or off. */
export function binfmtMiscRuns(head: Buffer, path: string, dir = BINFMT_MISC_DIR): boolean {
  let names: string[];
  try {
    if (readFileSync(join(dir, 'status'), 'utf8').trim() !== 'enabled') return false;
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((name) => {
    if (name === 'status' || name === 'register') return false;
    try {
      const entry = parseBinfmtEntry(readFileSync(join(dir, name), 'utf8'));
      return entry !== null && binfmtEntryMatches(entry, head, path);
    } catch {
      return false;
    }
  });
}
