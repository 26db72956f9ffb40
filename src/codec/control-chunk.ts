// One read of the control FIFO, decoded as runs of commands (SPEC section 4).
// Bytes that are not commands change nothing, so a run of one command goes on
// across them; unknown letters are only counted, to be noted in one log line
// per read instead of one per byte (a megabyte of junk would otherwise become
// a log flood and a backlog that delays the next real command).
import type { ControlCommand, ControlRun } from '../core/types.js';
import { decodeControlByte } from './control-codec.js';

export interface DecodedControlChunk {
  /** Commands in the order written, counting only command bytes; neighbours always differ. */
  runs: ControlRun[];
  /** Letters that are not commands, in total. */
  unknownCount: number;
  /** The distinct unknown letters, in order of first appearance (52 at most). */
  unknownLetters: string[];
}

/** Letters named in the log line; the count covers the rest. */
export const MAX_UNKNOWN_LISTED = 8;

export function decodeControlChunk(bytes: Uint8Array): DecodedControlChunk {
  const runs: { command: ControlCommand; letter: string; count: number }[] = [];
  const unknownLetters: string[] = [];
  let unknownCount = 0;
  for (const byte of bytes) {
    const decoded = decodeControlByte(byte);
    if (decoded.kind === 'command') {
      const last = runs.at(-1);
      if (last && last.command === decoded.command) last.count += 1;
      else runs.push({ command: decoded.command, letter: String.fromCharCode(byte), count: 1 });
    } else if (decoded.kind === 'unknown') {
      unknownCount += 1;
      if (!unknownLetters.includes(decoded.letter)) unknownLetters.push(decoded.letter);
    }
  }
  return { runs, unknownCount, unknownLetters };
}

/** The log line for the unknown letters of one read; null when there were none. */
export function describeUnknownLetters(chunk: DecodedControlChunk): string | null {
  if (chunk.unknownCount === 0) return null;
  const listed = chunk.unknownLetters
    .slice(0, MAX_UNKNOWN_LISTED)
    .map((letter) => JSON.stringify(letter))
    .join(', ');
  if (chunk.unknownCount === 1) return `control: unknown command ${listed} ignored`;
  const more = chunk.unknownLetters.length > MAX_UNKNOWN_LISTED ? ', ...' : '';
  return `control: ${chunk.unknownCount} unknown commands ignored (${listed}${more})`;
}
