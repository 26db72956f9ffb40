// The supervise command line (SPEC section 1) -> typed, read-only options.
// No fs, no spawn: checking paths is the job of the entry point.
import yargs from 'yargs';
import { DEFAULT_CONFIG_PATH } from '../config/config-defaults.js';
import { SuperviseError } from '../core/supervise-error.js';
import { splitAtVerbatimCommand } from './pre-scan.js';
import { CommandSyntaxError, splitCommand } from './split-command.js';

export const VERSION = '0.1.0';

export interface SuperviseOptions {
  readonly statusDir: string;
  readonly command: readonly string[];
  readonly configPath: string;
  readonly restartHook: string | null;
  /** -t: seconds after which the restart hook's counter starts again from 1; 0 never. */
  readonly restartHookResetSeconds: number;
  readonly foreground: boolean;
}

export type ParsedCommandLine =
  | { kind: 'run'; options: SuperviseOptions }
  | { kind: 'print'; text: string };

const USAGE = `Usage:
  supervise -p STATUS_DIR -f "COMMAND STRING" [-F CONF_PATH] [-r RESTART_SH] [-t TIME_LIMIT] [--foreground]
  supervise [-F CONF_PATH] [-r RESTART_SH] [-t TIME_LIMIT] [--foreground] -u STATUS_DIR COMMAND [ARG...]
  supervise -v | -h`;

function usageError(message: string): SuperviseError {
  return new SuperviseError('bad-arguments', message);
}

export function parseSuperviseArgs(argv: readonly string[]): ParsedCommandLine {
  const { own, verbatim } = splitAtVerbatimCommand(argv);
  let printed: string | null = null;
  const parsed = yargs(own)
    .scriptName('supervise')
    .usage(USAGE)
    .option('p', { type: 'string', describe: 'status directory; the command is -f' })
    .option('u', { type: 'string', describe: 'status directory; the command is every argument after it' })
    .option('f', { type: 'string', describe: 'the command, split into words like a shell without expansion' })
    .option('F', { type: 'string', default: DEFAULT_CONFIG_PATH, describe: 'config file' })
    .option('r', { type: 'string', describe: 'restart hook, run with the exit count after every exit' })
    .option('t', { type: 'number', default: 0, describe: "seconds after which the restart hook's count restarts" })
    .option('foreground', { type: 'boolean', default: false, describe: 'do not daemonize' })
    .option('v', { type: 'boolean', describe: 'print the version' })
    .option('h', { type: 'boolean', describe: 'print this help' })
    .version(false)
    .help(false)
    .strict()
    .parserConfiguration({ 'parse-positional-numbers': false, 'duplicate-arguments-array': false })
    .exitProcess(false)
    .fail((message, error) => {
      throw usageError(error?.message ?? message);
    })
    .parseSync();

  if (parsed.h) {
    printed = USAGE;
  } else if (parsed.v) {
    printed = `supervise ${VERSION}`;
  }
  if (printed !== null) return { kind: 'print', text: printed };

  const positional = parsed._.map(String);
  if (parsed.u !== undefined && parsed.p !== undefined) throw usageError('-p and -u cannot be used together');
  const statusDir = parsed.u ?? parsed.p;
  if (statusDir === undefined || statusDir === '') throw usageError('missing status directory (-p DIR or -u DIR)');

  let command: string[];
  if (parsed.u !== undefined) {
    if (parsed.f !== undefined) throw usageError('-f cannot be used with -u: the command follows the directory');
    command = verbatim ?? [];
  } else {
    if (positional.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positional[0])}`);
    if (parsed.f === undefined) throw usageError('missing command (-f "COMMAND")');
    try {
      command = splitCommand(parsed.f);
    } catch (error) {
      if (error instanceof CommandSyntaxError) throw usageError(error.message);
      throw error;
    }
  }
  if (command.length === 0 || command[0] === '') throw usageError('empty command');
  if (!Number.isInteger(parsed.t) || parsed.t < 0) throw usageError(`-t expects whole seconds >= 0, got ${parsed.t}`);
  if (parsed.r === '') throw usageError('-r expects a script path');

  return {
    kind: 'run',
    options: {
      statusDir,
      command,
      configPath: parsed.F,
      restartHook: parsed.r ?? null,
      restartHookResetSeconds: parsed.t,
      foreground: parsed.foreground,
    },
  };
}
