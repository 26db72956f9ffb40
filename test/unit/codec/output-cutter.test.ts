// The pure cutter of piped output (SPEC section 12): every byte once and in
// order, files that never pass the limit and end at a line boundary, a line
// longer than the limit cut into pieces of the limit.
import { describe, expect, it } from 'vitest';
import { cutOutput, flushOutput, initialCutterState, rotateOutput, type CutterState, type OutputOp } from '../../../src/codec/output-cutter.js';
import { formatOutputStamp } from '../../../src/codec/local-time.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/** `w:TEXT` for a write, `R` for a rotation. */
function show(ops: readonly OutputOp[]): string[] {
  return ops.map((op) => (op.kind === 'rotate' ? 'R' : `w:${op.bytes.toString()}`));
}

function feed(chunks: readonly string[], maxBytes: number, stamp: string | null = null, state = initialCutterState(0)): { state: CutterState; ops: string[] } {
  const ops: string[] = [];
  let current = state;
  for (const chunk of chunks) {
    const result = cutOutput(current, Buffer.from(chunk), maxBytes, stamp === null ? null : Buffer.from(stamp));
    current = result.state;
    ops.push(...show(result.ops));
  }
  return { state: current, ops };
}

describe('cutOutput', () => {
  it('writes whole lines that fit in one write', () => {
    expect(feed(['a\nbb\n'], 10).ops).toEqual(['w:a\nbb\n']);
  });

  it('ends a file at the last line that fits, then rotates', () => {
    expect(feed(['aaaa\nbbbb\ncccc\n'], 10).ops).toEqual(['w:aaaa\nbbbb\n', 'R', 'w:cccc\n']);
  });

  it('counts what the file held before (appending after a restart of supervise)', () => {
    expect(feed(['aaaa\n'], 10, null, initialCutterState(8)).ops).toEqual(['R', 'w:aaaa\n']);
  });

  it('fills a file up to exactly the limit and rotates only when more comes', () => {
    const first = feed(['aaaa\n'], 5);
    expect(first.ops).toEqual(['w:aaaa\n']);
    expect(feed(['b\n'], 5, null, first.state).ops).toEqual(['R', 'w:b\n']);
  });

  it('holds an unfinished line back until its newline, so it is never split across files', () => {
    const held = feed(['aaa\nbb'], 8);
    expect(held.ops).toEqual(['w:aaa\n']);
    expect(feed(['bbbb\n'], 8, null, held.state).ops).toEqual(['R', 'w:bbbbbb\n']);
  });

  it('cuts a line longer than the limit into pieces of exactly the limit', () => {
    expect(feed(['x\nabcdefghij\n'], 4).ops).toEqual(['w:x\n', 'R', 'w:abcd', 'R', 'w:efgh', 'R', 'w:ij\n']);
  });

  it('cuts a long line still being written once it fills a file, without waiting for its newline', () => {
    const { state, ops } = feed(['abcdefghij'], 4);
    expect(ops).toEqual(['w:abcd', 'R', 'w:efgh']);
    expect(state.carry.toString()).toBe('ij');
  });

  it('puts the timestamp of the read before every line that starts in it', () => {
    const { state, ops } = feed(['a\nb'], 100, 'T ');
    expect(ops).toEqual(['w:T a\n']);
    expect(feed(['c\nd\n'], 100, 'U ', state).ops).toEqual(['w:T bc\nU d\n']);
  });

  it('counts timestamps toward the limit', () => {
    expect(feed(['a\nb\n'], 6, 'TT ').ops).toEqual(['w:TT a\n', 'R', 'w:TT b\n']);
  });
});

describe('rotateOutput and flushOutput', () => {
  it('rotates a file that holds anything, and not an empty one (a burst of l keeps the backups)', () => {
    const written = feed(['a\n'], 10).state;
    const once = rotateOutput(written);
    expect(show(once.ops)).toEqual(['R']);
    expect(rotateOutput(once.state).ops).toEqual([]);
  });

  it('writes the unfinished last line at the end, in a new file when it does not fit', () => {
    const { state } = feed(['aaaaaaa\nbbb'], 10);
    expect(show(flushOutput(state, 10).ops)).toEqual(['R', 'w:bbb']);
    expect(flushOutput(feed(['a\n'], 10).state, 10).ops).toEqual([]);
  });
});

describe('formatOutputStamp', () => {
  it('is local time with milliseconds and a space', () => {
    expect(formatOutputStamp(new Date(2026, 10, 21, 15, 51, 21, 7).getTime())).toBe('2026-11-21 15:51:21.007 ');
  });
});

describe('cutOutput on random reads (seeded)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`keeps every byte once, in order, lines whole and files within the limit (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const maxBytes = 20 + Math.floor(random() * 200);
      const lines: string[] = [];
      for (let i = 0; i < 300; i += 1) lines.push(`${i}:${'x'.repeat(Math.floor(random() * maxBytes * 1.5))}\n`);
      const text = lines.join('');
      const files: string[] = [''];
      let state = initialCutterState(0);
      const apply = (ops: readonly OutputOp[]) => {
        for (const op of ops) {
          if (op.kind === 'rotate') files.push('');
          else files[files.length - 1] += op.bytes.toString();
        }
      };
      for (let from = 0; from < text.length; ) {
        const size = 1 + Math.floor(random() * maxBytes * 2);
        const result = cutOutput(state, Buffer.from(text.slice(from, from + size)), maxBytes, null);
        state = result.state;
        apply(result.ops);
        if (random() < 0.05) apply(((result) => ((state = result.state), result.ops))(rotateOutput(state)));
        from += size;
      }
      apply(flushOutput(state, maxBytes).ops);
      expect(files.join('')).toBe(text);
      for (const file of files) {
        expect(file.length).toBeLessThanOrEqual(maxBytes);
        // A file ends at a line boundary unless it is a full piece of a longer line.
        if (file.length > 0 && file.length < maxBytes) expect(file.endsWith('\n')).toBe(true);
      }
      // Every line shorter than the limit is in one file.
      for (const line of lines) if (line.length <= maxBytes) expect(files.some((file) => file.includes(line))).toBe(true);
    });
  }
});
