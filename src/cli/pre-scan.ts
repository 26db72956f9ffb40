// What supervise can tell from its arguments before yargs has loaded, so the
// daemon's Node can boot on the other core while yargs loads and validates
// (see src/bin/supervise.ts). yargs stays the authority: a guess here only
// decides whether to start early, never what an argument means.
import { splitCommand } from './split-command.js';

/** supervise's own options that take a value. */
const OPTIONS_WITH_VALUE = new Set(['-p', '-f', '-F', '-r', '-t']);

/**
 * `-u DIR` ends supervise's own options: everything after DIR is the command,
 * taken verbatim even when it looks like an option (`-u status/x app -c conf`).
 * yargs' halt-at-non-option would still read `-c` there, so split first.
 */
export function splitAtVerbatimCommand(argv: readonly string[]): { own: string[]; verbatim: string[] | null } {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--') break;
    if (arg === '-u' || arg === '--u') {
      return { own: argv.slice(0, index + 2), verbatim: argv.slice(index + 2) };
    }
    // Skip an option's value so it is never mistaken for -u.
    if (OPTIONS_WITH_VALUE.has(arg)) index += 1;
  }
  return { own: [...argv], verbatim: null };
}

export interface EarlyGuess {
  statusDir: string;
  command: string[];
  /** The -r hook, or null. */
  restartHook: string | null;
}

/**
 * The status directory and command of an ordinary daemonizing run, or null
 * for anything else (help, version, --foreground, an option it does not know,
 * a command it cannot split): those take the ordinary path.
 */
export function guessDaemonRun(argv: readonly string[]): EarlyGuess | null {
  const { own, verbatim } = splitAtVerbatimCommand(argv);
  let statusDir: string | null = null;
  let commandText: string | null = null;
  let restartHook: string | null = null;
  const seen = new Set<string>();
  for (let index = 0; index < own.length; index += 1) {
    const arg = own[index];
    const value = own[index + 1];
    // yargs reads a value that starts with `-` as an option of its own (or,
    // `-5`, as a number), whatever option stands before it: leave those to it.
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (arg === '-u' && verbatim !== null) {
      statusDir = value;
      index += 1;
    } else if (OPTIONS_WITH_VALUE.has(arg)) {
      // Only what yargs is sure to accept: a guess it later refused would
      // leave a status directory behind for a command line that was wrong.
      if (seen.has(arg) || (arg === '-t' && !/^\d+$/.test(value))) return null;
      if (arg === '-p') statusDir = value;
      if (arg === '-f') commandText = value;
      if (arg === '-r') restartHook = value;
      seen.add(arg);
      index += 1;
    } else {
      return null;
    }
  }
  if (!statusDir) return null;
  if (verbatim !== null && (seen.has('-p') || seen.has('-f'))) return null;
  if (verbatim === null && !seen.has('-f')) return null;
  let command: string[];
  try {
    command = verbatim ?? splitCommand(commandText ?? '');
  } catch {
    return null;
  }
  return command.length > 0 && command[0] !== '' ? { statusDir, command, restartHook } : null;
}
