// The stamp file of a service: one line "REALTIME_NS MONOTONIC_NS PID" per
// start, appended by bench/fixtures/stamp-service.c.
import { readFileSync } from 'node:fs';
import { waitFor } from './procs.mjs';

/** @returns {{realNs: bigint, monoNs: bigint, pid: number}[]} complete lines only */
export function readStamps(file) {
  let text;
  try {
    text = readFileSync(file, 'latin1');
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  const stamps = [];
  for (const line of text.split('\n').slice(0, -1)) {
    const [real, mono, pid] = line.split(' ');
    stamps.push({ realNs: BigInt(real), monoNs: BigInt(mono), pid: Number(pid) });
  }
  return stamps;
}

/** Waits until FILE holds at least COUNT starts and returns them all. */
export function waitForStamps(file, count, { timeoutMs = 10_000, what = `start #${count} in ${file}` } = {}) {
  return waitFor(
    () => {
      const stamps = readStamps(file);
      if (stamps.length >= count) return stamps;
      throw new Error(`${stamps.length} start(s) stamped`);
    },
    { what, timeoutMs, intervalMs: 2 },
  );
}
