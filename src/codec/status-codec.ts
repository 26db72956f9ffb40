// The 20-byte `status` file that start scripts read with od (SPEC section 3).
// One function per direction; offsets are named so the layout reads as a table.
import type { SupervisorState } from '../core/supervisor-machine.js';
import type { Want } from '../core/types.js';

export const STATUS_SIZE = 20;

const OFFSET_TAI64 = 0; // 8 bytes, big-endian TAI64 label
const OFFSET_NANOSECONDS = 8; // 4 bytes, big-endian
const OFFSET_PAUSED = 12; // 1 when paused and running
const OFFSET_WANT = 13; // 'u', 'd' or 0 for once
const OFFSET_ALARMS = 14; // 'x' silenced, 'o' on
// byte 15 stays 0
const OFFSET_PID = 16; // 4 bytes, little-endian

/** TAI64 labels count from 2^62; TAI is 10 s ahead of UTC as daemontools reckons it. */
const TAI64_EPOCH = 2n ** 62n + 10n;

const WANT_BYTE: Record<Want, number> = { up: 0x75, down: 0x64, once: 0 };
const ALARMS_SILENCED_BYTE = 0x78; // 'x'
const ALARMS_ON_BYTE = 0x6f; // 'o'

export interface Status {
  /** Unix seconds of the last pid change. */
  seconds: number;
  /** Nanoseconds within that second. */
  nanoseconds: number;
  paused: boolean;
  want: Want;
  alarmsOn: boolean;
  /** Service pid, 0 while it is down. */
  pid: number;
}

export function encodeStatus(status: Status): Buffer {
  const bytes = Buffer.alloc(STATUS_SIZE);
  bytes.writeBigUInt64BE(TAI64_EPOCH + BigInt(status.seconds), OFFSET_TAI64);
  bytes.writeUInt32BE(status.nanoseconds, OFFSET_NANOSECONDS);
  bytes[OFFSET_PAUSED] = status.paused && status.pid !== 0 ? 1 : 0;
  bytes[OFFSET_WANT] = WANT_BYTE[status.want];
  bytes[OFFSET_ALARMS] = status.alarmsOn ? ALARMS_ON_BYTE : ALARMS_SILENCED_BYTE;
  bytes.writeUInt32LE(status.pid, OFFSET_PID);
  return bytes;
}

export class StatusFormatError extends Error {}

export function decodeStatus(bytes: Uint8Array): Status {
  if (bytes.length !== STATUS_SIZE) {
    throw new StatusFormatError(`status is ${bytes.length} bytes, expected ${STATUS_SIZE}`);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const wantByte = buffer[OFFSET_WANT];
  const want: Want = wantByte === WANT_BYTE.up ? 'up' : wantByte === WANT_BYTE.down ? 'down' : 'once';
  return {
    seconds: Number(buffer.readBigUInt64BE(OFFSET_TAI64) - TAI64_EPOCH),
    nanoseconds: buffer.readUInt32BE(OFFSET_NANOSECONDS),
    paused: buffer[OFFSET_PAUSED] === 1,
    want,
    alarmsOn: buffer[OFFSET_ALARMS] !== ALARMS_SILENCED_BYTE,
    pid: buffer.readUInt32LE(OFFSET_PID),
  };
}

/** Splits Unix milliseconds into the label's seconds and nanoseconds. */
export function timestampOf(unixMs: number): Pick<Status, 'seconds' | 'nanoseconds'> {
  const seconds = Math.floor(unixMs / 1000);
  return { seconds, nanoseconds: Math.round((unixMs - seconds * 1000) * 1e6) };
}

/** The 20 bytes for the machine's state. */
export function encodeSupervisorStatus(state: SupervisorState): Buffer {
  return encodeStatus({
    ...timestampOf(state.since),
    paused: state.paused,
    want: state.want,
    alarmsOn: state.alarmsOn,
    pid: state.service?.pid ?? 0,
  });
}
