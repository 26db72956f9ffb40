// The daemon's Node is `node` to the process tools. Start scripts look for the
// C supervise with pidof, pgrep -x and ps -C, which match the process name
// (comm), and read its command line in ps: `supervise -p status/redis -f ...`.
// process.title rewrites the command line (within the space of Node's own
// argv, which is longer: node, its flags and the script come before the
// arguments) and sets the name to its first 15 bytes; the name is then set to
// `supervise` alone through /proc.
import { writeFileSync } from 'node:fs';

export const PROCESS_NAME = 'supervise';

/** A word as a shell would need it, for reading only: the title is never run. */
function quoteWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/["\\$`]/g, '\\$&')}"`;
}

/** `supervise -p status/x -f "sleep 1000"` for those arguments. */
export function superviseTitle(args: readonly string[], name: string = PROCESS_NAME): string {
  return [name, ...args.map(quoteWord)].join(' ');
}

/** Makes this process `supervise` to pidof, pgrep -x and ps -C, its arguments shown as given. */
export function setSuperviseTitle(args: readonly string[], name: string = PROCESS_NAME): void {
  process.title = superviseTitle(args, name);
  try {
    writeFileSync('/proc/self/comm', name);
  } catch {
    // No /proc: only the tools that read the command line find us then.
  }
}
