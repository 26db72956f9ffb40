import { describe, expect, it } from 'vitest';
import { decodeStatus, encodeStatus, STATUS_SIZE, timestampOf, type Status } from '../../../src/codec/status-codec.js';

const base: Status = { seconds: 1_763_740_281, nanoseconds: 123_456_789, paused: false, want: 'up', alarmsOn: true, pid: 1234 };

describe('encodeStatus golden bytes', () => {
  it('lays out TAI64 label, nanoseconds, flags and little-endian pid', () => {
    // 2^62 + 10 + 1763740281 = 0x4000000069208a83 (computed with BigInt, not the codec)
    expect(encodeStatus(base).toString('hex')).toBe(
      '4000000069208a83' + '075bcd15' + '00' + '75' + '6f' + '00' + 'd2040000',
    );
  });

  it('writes want down as "d", once as 0 and silenced alarms as "x"', () => {
    expect(encodeStatus({ ...base, want: 'down' })[13]).toBe(0x64);
    expect(encodeStatus({ ...base, want: 'once' })[13]).toBe(0);
    expect(encodeStatus({ ...base, alarmsOn: false })[14]).toBe(0x78);
    expect(encodeStatus(base)[15]).toBe(0);
  });

  it('sets the paused byte only while the service runs', () => {
    expect(encodeStatus({ ...base, paused: true })[12]).toBe(1);
    expect(encodeStatus({ ...base, paused: true, pid: 0 })[12]).toBe(0);
  });

  it('holds pids above 16 bits in four little-endian bytes', () => {
    const bytes = encodeStatus({ ...base, pid: 4_194_303 });
    expect([...bytes.subarray(16, 20)]).toEqual([0xff, 0xff, 0x3f, 0x00]);
    expect(bytes.length).toBe(STATUS_SIZE);
  });
});

describe('decodeStatus', () => {
  it.each<Partial<Status>>([{}, { want: 'down', pid: 0 }, { want: 'once', alarmsOn: false }, { paused: true }])(
    'round-trips %o',
    (change) => {
      const status = { ...base, ...change };
      expect(decodeStatus(encodeStatus(status))).toEqual(status);
    },
  );

  it('rejects a file of the wrong size', () => {
    expect(() => decodeStatus(Buffer.alloc(19))).toThrow(/19 bytes, expected 20/);
  });
});

describe('timestampOf', () => {
  it('splits milliseconds into seconds and nanoseconds', () => {
    expect(timestampOf(1_763_740_281_250)).toEqual({ seconds: 1_763_740_281, nanoseconds: 250_000_000 });
  });
});
