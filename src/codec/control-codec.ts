// Control bytes of the `control` FIFO (SPEC section 4): one byte, one command.
import type { ControlCommand } from '../core/types.js';

const COMMAND_BY_LETTER: Readonly<Record<string, ControlCommand>> = {
  u: 'up',
  d: 'down',
  o: 'once',
  x: 'exit',
  p: 'pause',
  c: 'cont',
  h: 'hup',
  a: 'alarm',
  i: 'int',
  t: 'term',
  k: 'kill',
  s: 'silence',
  n: 'unsilence',
  r: 'reload',
  l: 'rotate',
};

export const LETTER_BY_COMMAND: Readonly<Record<ControlCommand, string>> = Object.fromEntries(
  Object.entries(COMMAND_BY_LETTER).map(([letter, command]) => [command, letter]),
) as Record<ControlCommand, string>;

export type DecodedControlByte =
  | { kind: 'command'; command: ControlCommand }
  /** A letter that is not a command: noted in the log. */
  | { kind: 'unknown'; letter: string }
  /** Anything else (newlines, spaces, binary): ignored silently. */
  | { kind: 'ignored' };

function decodeByteValue(byte: number): DecodedControlByte {
  const letter = String.fromCharCode(byte);
  const command = COMMAND_BY_LETTER[letter];
  if (command !== undefined) return { kind: 'command', command };
  const isLetter = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
  return isLetter ? { kind: 'unknown', letter } : { kind: 'ignored' };
}

/** Every byte decoded once: a read of control may hold 64 KiB of them. */
const DECODED_BYTES: readonly DecodedControlByte[] = Array.from({ length: 256 }, (_, byte) => decodeByteValue(byte));

export function decodeControlByte(byte: number): DecodedControlByte {
  return DECODED_BYTES[byte & 0xff];
}
