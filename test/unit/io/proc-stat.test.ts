// parseProcStat reads /proc/PID/stat's bytes without making strings; these
// check it against the fields proc(5) names, for real lines and awkward names,
// and the tick rate read from /proc/self/auxv against getconf's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import { clockTicksFromAuxv, parseProcStat, readProcStat, ticksToUnixMs } from '../../../src/io/proc-process.js';

/** proc(5)'s reading, the slow way: fields after the last ")" split on spaces. */
function splitFields(line: string) {
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], sessionId: Number(fields[3]), startTicks: Number(fields[19]) };
}

const bytes = (line: string) => Buffer.from(line, 'latin1');

describe('parseProcStat', () => {
  it('reads state, session and start time of this very process as the split reading does', () => {
    const line = readFileSync('/proc/self/stat', 'latin1');
    expect(parseProcStat(bytes(line))).toEqual(splitFields(line));
    expect(readProcStat(process.pid)).toEqual(splitFields(readFileSync(`/proc/${process.pid}/stat`, 'latin1')));
  });

  it('takes the fields after the last ")", whatever the command name holds', () => {
    const line = '4242 (a) (b c) 9) Z 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456789 0 0 18446744073709551615 0\n';
    expect(parseProcStat(bytes(line))).toEqual({ state: 'Z', sessionId: 4242, startTicks: 123456789 });
  });

  it('reads only the first `length` bytes of a reused buffer', () => {
    const line = '7 (sh) S 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0\n';
    const buffer = Buffer.alloc(4096, 0x39);
    bytes(line).copy(buffer);
    expect(parseProcStat(buffer, line.length)).toEqual({ state: 'S', sessionId: 7, startTicks: 55 });
  });

  it('is null for a line cut before the start time, or with no command name', () => {
    expect(parseProcStat(bytes('7 (sh) S 1 7 7 0 -1'))).toBeNull();
    expect(parseProcStat(bytes(''))).toBeNull();
    expect(parseProcStat(bytes('7 sh S'))).toBeNull();
  });
});

describe('the clock tick rate', () => {
  /** An auxiliary vector of 64-bit (type, value) pairs, ended by AT_NULL. */
  const auxv = (pairs: [number, number][], byteOrder: 'LE' | 'BE') => {
    const buffer = Buffer.alloc((pairs.length + 1) * 16);
    pairs.forEach(([type, value], i) => {
      const write = byteOrder === 'LE' ? buffer.writeBigUInt64LE.bind(buffer) : buffer.writeBigUInt64BE.bind(buffer);
      write(BigInt(type), i * 16);
      write(BigInt(value), i * 16 + 8);
    });
    return buffer;
  };

  it('is the AT_CLKTCK (17) entry among the others, in either byte order, and null without one', () => {
    expect(clockTicksFromAuxv(auxv([[6, 4096], [17, 250], [23, 0]], 'LE'), 'LE')).toBe(250);
    expect(clockTicksFromAuxv(auxv([[6, 4096], [17, 1024]], 'BE'), 'BE')).toBe(1024);
    expect(clockTicksFromAuxv(auxv([[6, 4096], [23, 0]], 'LE'), 'LE')).toBeNull();
  });

  it("this process's /proc/self/auxv gives the rate getconf reports, and ticksToUnixMs dates a process with it", () => {
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    expect(clockTicksFromAuxv(readFileSync('/proc/self/auxv'), endianness())).toBe(ticksPerSecond);
    const stat = readProcStat(process.pid) as { startTicks: number };
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    expect(ticksToUnixMs(stat.startTicks)).toBe((bootSeconds + stat.startTicks / ticksPerSecond) * 1000);
  });
});
