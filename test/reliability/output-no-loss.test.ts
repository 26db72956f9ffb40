// Piped output loses nothing (SPEC section 12, issue 10 point 2): several
// processes of the service write whole lines of at most 4 KiB into stdout at
// once, one writer alone on stderr writes lines up to 64 KiB in pieces cut
// anywhere, while the files rotate about every 1 MB, `k` restarts the service
// every second (its writers run on as leftovers into the same pipes), `l`
// comes in bursts, and supervise gets SIGTERM at the end. Reading NAME.<n>
// ... NAME.1, NAME in order must give every line exactly once, whole, in each
// writer's order, and no file may pass the limit.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { FIXTURES, startSupervised, waitForDaemonExit, writeControl } from '../helpers/supervise-process.js';

const LIMIT = 1024 * 1024;
const WRITER = join(FIXTURES, 'numbered-output.mjs');
/** Lines each kind of writer writes (test/fixtures/numbered-output.mjs). */
const LINES_OF = { s: 400, b: 150 } as const;

function filesInOrder(dir: string, name: string): string[] {
  const backups = readdirSync(dir)
    .filter((entry) => entry.startsWith(`${name}.`) && /^\d+$/.test(entry.slice(name.length + 1)))
    .map((entry) => Number(entry.slice(name.length + 1)))
    .sort((a, b) => b - a);
  return [...backups.map((index) => join(dir, `${name}.${index}`)), join(dir, name)];
}

/** Every line of the files in order, each checked whole; the sequence numbers seen per writer. */
function collectLines(dir: string, name: string): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const path of filesInOrder(dir, name)) {
    expect(statSync(path).size, path).toBeLessThanOrEqual(LIMIT);
    const text = readFileSync(path, 'latin1');
    expect(text === '' || text.endsWith('\n'), `${path} ends at a line boundary`).toBe(true);
    for (const line of text.split('\n').slice(0, -1)) {
      const match = /^([sb]\d+(?:-\d)?) (\d+) (\d+) (x*)$/.exec(line);
      expect(match, `a whole line in ${path}: ${JSON.stringify(line.slice(0, 60))}... (${line.length} bytes)`).not.toBeNull();
      const [, id, seq, len, payload] = match as RegExpExecArray;
      expect(payload.length, `payload of ${id} ${seq}`).toBe(Number(len));
      seen.set(id, [...(seen.get(id) ?? []), Number(seq)]);
    }
  }
  return seen;
}

describe('piped output under restarts, rotations and SIGTERM', () => {
  it('keeps every line exactly once, whole and in order, no file over the limit', async () => {
    const work = makeTempDir();
    const config = join(work, 'supervise.conf');
    // kill_mode process: `k` kills the parent only, so its writers go on as leftovers (SPEC section 11).
    writeFileSync(config, `[global]\noutput_max_bytes : 1M\noutput_backups : 1000\nkill_mode : process\n`);
    const { dir, daemonPid } = await startSupervised([WRITER, 'parent', work], { args: ['-F', config] });
    mkdirSync(join(work, 'writers'), { recursive: true });

    const smallWriters = () => readdirSync(join(work, 'writers'), { withFileTypes: true }).filter((entry) => entry.name.startsWith('s')).length;
    for (let round = 0; round < 6; round += 1) {
      // Each start's writers are under way before the next `k`, whatever the load of the machine.
      await waitFor(() => smallWriters() >= 3 * (round + 1) || undefined, { what: `the writers of start ${round + 1}`, timeoutMs: 20_000 });
      for (let burst = 0; burst < 3; burst += 1) {
        await sleep(300);
        writeControl(dir, 'l'.repeat(1 + burst * 3));
      }
      writeControl(dir, 'k');
    }
    process.kill(daemonPid, 'SIGTERM');
    // supervise drains the pipes until the last leftover writer is done, then exits.
    await waitForDaemonExit(daemonPid, 40_000);

    const writers = readdirSync(join(work, 'writers'));
    const stdout = collectLines(dir, '__stdout');
    const stderr = collectLines(dir, '__stderr');
    expect([...stdout.keys(), ...stderr.keys()].sort()).toEqual([...writers].sort());
    expect([...stderr.keys()]).toHaveLength(1);
    // Six starts at least, each with three writers of its own.
    expect(writers.filter((id) => id.startsWith('s')).length).toBeGreaterThanOrEqual(6 * 3);
    for (const [id, seqs] of [...stdout, ...stderr]) {
      const count = LINES_OF[id[0] as 's' | 'b'];
      expect(seqs, `lines of writer ${id}`).toEqual(Array.from({ length: count }, (_, i) => i));
    }
    // Rotated about every 1 MB, and on l.
    expect(filesInOrder(dir, '__stdout').length).toBeGreaterThan(10);
  });
});
