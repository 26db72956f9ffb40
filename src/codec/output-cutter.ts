// What supervise writes of one output pipe (SPEC section 12), decided
// without touching a file: each read becomes writes and rotations so that a
// file never passes the limit and ends at a line boundary. Pure: the adapter
// (src/io/piped-output.ts) carries the operations out, in order.
//
// The unfinished last line of a read is held back (the carry) until its
// newline comes: written at once, it could not be moved to the next file
// when the rest of it no longer fits. So a line is held in memory up to the
// limit; a line longer than that is cut into pieces of exactly the limit.
// Without timestamps there is no per-line work: one search for the last
// newline of a read, and one write for everything before it that fits.

export type OutputOp = { readonly kind: 'write'; readonly bytes: Buffer } | { readonly kind: 'rotate' };

export interface CutterState {
  /** Bytes in the current file, as the operations so far leave it. */
  readonly size: number;
  /** The unfinished last line, held back (with its timestamp when it has one). */
  readonly carry: Buffer;
  /** The next byte read starts a line (for timestamps). */
  readonly atLineStart: boolean;
}

export interface CutResult {
  readonly state: CutterState;
  readonly ops: OutputOp[];
}

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** A file that already holds `size` bytes (appended to after a restart of supervise). */
export function initialCutterState(size: number): CutterState {
  return { size, carry: EMPTY, atLineStart: true };
}

/**
 * One read of the pipe. `stamp` is the prefix of every line that starts in
 * it (the time it was read), or null without timestamps.
 */
export function cutOutput(state: CutterState, chunk: Buffer, maxBytes: number, stamp: Buffer | null): CutResult {
  if (chunk.length === 0) return { state, ops: [] };
  const data = stamp === null ? chunk : stampLines(chunk, stamp, state.atLineStart);
  const atLineStart = chunk[chunk.length - 1] === NEWLINE;
  const ops: OutputOp[] = [];
  const lastNewline = data.lastIndexOf(NEWLINE);
  let size = state.size;
  let carry: Buffer;
  if (lastNewline < 0) {
    carry = joinBytes(state.carry, data);
  } else {
    size = placeLines(joinBytes(state.carry, data.subarray(0, lastNewline + 1)), size, maxBytes, ops);
    carry = data.subarray(lastNewline + 1);
  }
  // A line that alone fills a file is cut; the rest of it goes on in the next one.
  while (carry.length >= maxBytes) {
    size = placePiece(carry.subarray(0, maxBytes), size, maxBytes, ops);
    carry = carry.subarray(maxBytes);
  }
  // Copied: a view would keep the whole read's buffer alive for a few bytes.
  return { state: { size, carry: Buffer.from(carry), atLineStart }, ops };
}

/** `l` (or the end of the pipe's life for `flush`): rotates a file that holds anything. */
export function rotateOutput(state: CutterState): CutResult {
  // An empty file is not rotated: a burst of `l` must not push real backups out with empty ones.
  if (state.size === 0) return { state, ops: [] };
  return { state: { ...state, size: 0 }, ops: [{ kind: 'rotate' }] };
}

/** The pipe reached its end: the held-back unfinished line is written as it is. */
export function flushOutput(state: CutterState, maxBytes: number): CutResult {
  if (state.carry.length === 0) return { state, ops: [] };
  const ops: OutputOp[] = [];
  const size = placePiece(state.carry, state.size, maxBytes, ops);
  return { state: { size, carry: EMPTY, atLineStart: true }, ops };
}

/** Whole lines: as many as fit in the current file, then a rotation, and so on. */
function placeLines(lines: Buffer, size: number, maxBytes: number, ops: OutputOp[]): number {
  let rest = lines;
  let current = size;
  while (rest.length > 0) {
    const room = maxBytes - current;
    if (rest.length <= room) {
      ops.push({ kind: 'write', bytes: rest });
      return current + rest.length;
    }
    const end = room > 0 ? rest.lastIndexOf(NEWLINE, room - 1) : -1;
    if (end >= 0) {
      ops.push({ kind: 'write', bytes: rest.subarray(0, end + 1) }, { kind: 'rotate' });
      rest = rest.subarray(end + 1);
      current = 0;
    } else if (current > 0) {
      // The next line does not fit at all: it starts the next file.
      ops.push({ kind: 'rotate' });
      current = 0;
    } else {
      // A line longer than a whole file: a piece of exactly the limit.
      ops.push({ kind: 'write', bytes: rest.subarray(0, maxBytes) });
      rest = rest.subarray(maxBytes);
      current = maxBytes;
    }
  }
  return current;
}

/** Bytes that are not a whole line (at most the limit): in the current file if they fit, else in a new one. */
function placePiece(piece: Buffer, size: number, maxBytes: number, ops: OutputOp[]): number {
  let current = size;
  if (current > 0 && current + piece.length > maxBytes) {
    ops.push({ kind: 'rotate' });
    current = 0;
  }
  ops.push({ kind: 'write', bytes: piece });
  return current + piece.length;
}

/** `stamp` before every line that starts in `chunk`. */
function stampLines(chunk: Buffer, stamp: Buffer, atLineStart: boolean): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  if (atLineStart) parts.push(stamp);
  for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, from)) {
    parts.push(chunk.subarray(from, newline + 1));
    from = newline + 1;
    if (from < chunk.length) parts.push(stamp);
  }
  if (from < chunk.length) parts.push(chunk.subarray(from));
  return Buffer.concat(parts);
}

function joinBytes(head: Buffer, tail: Buffer): Buffer {
  return head.length === 0 ? tail : Buffer.concat([head, tail]);
}
