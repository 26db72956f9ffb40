// The arguments of a process as the kernel holds them (/proc/PID/cmdline):
// bytes, each word ended by a NUL. Node decodes them as UTF-8 and puts U+FFFD
// in place of bytes that are not, so a GBK argument would reach the service,
// or name a directory, changed; these let the entry points refuse it instead.
import { isUtf8 } from 'node:buffer';

/** The words of a cmdline file, byte for byte; empty words kept. */
export function splitCmdline(bytes: Uint8Array): Buffer[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: Buffer[] = [];
  let start = 0;
  for (let end = buffer.indexOf(0, start); end !== -1; end = buffer.indexOf(0, start)) {
    words.push(buffer.subarray(start, end));
    start = end + 1;
  }
  // A process that rewrote its command line may have left no final NUL.
  if (start < buffer.length) words.push(buffer.subarray(start));
  return words;
}

/** Bytes a UTF-8 sequence has, judged by its first byte; 0 for a byte no sequence starts with. */
function sequenceLength(first: number): number {
  if (first < 0x80) return 1;
  if (first >= 0xc2 && first <= 0xdf) return 2;
  if (first >= 0xe0 && first <= 0xef) return 3;
  if (first >= 0xf0 && first <= 0xf4) return 4;
  return 0;
}

/** The word as text, each byte that is not part of valid UTF-8 shown as `\xb2`. */
export function escapeInvalidUtf8(word: Uint8Array): string {
  const bytes = Buffer.from(word.buffer, word.byteOffset, word.byteLength);
  let text = '';
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes[at]);
    const sequence = bytes.subarray(at, at + length);
    if (length > 0 && sequence.length === length && isUtf8(sequence)) {
      text += sequence.toString('utf8');
      at += length;
    } else {
      text += `\\x${bytes[at].toString(16).padStart(2, '0')}`;
      at += 1;
    }
  }
  return text;
}

/** The first of the last `count` words that is not valid UTF-8, escaped; null when all are. */
export function findNonUtf8Word(words: readonly Uint8Array[], count: number): string | null {
  for (const word of words.slice(Math.max(0, words.length - count))) {
    if (!isUtf8(word)) return escapeInvalidUtf8(word);
  }
  return null;
}
