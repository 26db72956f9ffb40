// The supervisectl command line (SPEC section 10) -> typed, read-only options.
// No fs, no spawn: whether a DIR is a status directory is checked by the run.
import yargs, { type Argv } from 'yargs';
import { CONTROL_ACTIONS, isControlAction, type ControlAction } from '../ctl/control-actions.js';
import { EXIT_NOT_RUNNING, EXIT_USAGE, MAX_FAILED_EXIT } from '../core/exit-codes.js';
import type { CtlCommand } from '../ctl/ctl-command.js';
import { CtlError } from '../ctl/ctl-error.js';
import { DEFAULT_LISTEN, parseListenAddress, type ListenAddress } from '../serve/listen-address.js';

/** Seconds `--wait` waits when given without a value. */
export const DEFAULT_WAIT_SECONDS = 7;
/** Lines `logs` prints when -n is not given, as tail does. */
export const DEFAULT_LOG_LINES = 10;

const CONTROL_HELP: Readonly<Record<ControlAction, { describe: string; example: string }>> = {
  start: { describe: 'want up and start the service (u); --wait: until it has a pid', example: 'start --wait status/redis' },
  stop: { describe: 'want down, send TERM then CONT (d); --wait: until pid 0', example: 'stop --wait=30 status/redis' },
  once: { describe: 'start the service without restarting it (o); --wait: until up', example: 'once status/batch' },
  restart: {
    describe: 'send TERM and CONT, want up (t c u); --wait: until a new pid',
    example: 'restart --wait status/redis',
  },
  pause: { describe: 'send STOP to the service (p)', example: 'pause status/redis' },
  cont: { describe: 'send CONT to the service (c)', example: 'cont status/redis' },
  hup: { describe: 'send HUP to the service (h)', example: 'hup status/nginx' },
  'alarm-signal': { describe: 'send ALRM to the service (a)', example: 'alarm-signal status/redis' },
  int: { describe: 'send INT to the service (i)', example: 'int status/redis' },
  term: { describe: 'send TERM to the service (t)', example: 'term status/redis' },
  kill: { describe: 'send KILL to the service (k)', example: 'kill status/redis' },
  exit: {
    describe: 'make supervise exit once the service is down (x); --wait: until supervise is gone',
    example: 'exit --wait status/redis',
  },
  rotate: { describe: 'rotate __stdout and __stderr now, when supervise writes them (l)', example: 'rotate status/redis' },
};

const SYNOPSIS = `Control and inspect services run by supervise.

  $0 status [--json] DIR...
  $0 start|stop|once|restart|pause|cont|hup|alarm-signal|int|term|kill|exit [--wait[=SECONDS]] DIR...
  $0 alarm on|off DIR...
  $0 reload DIR...
  $0 rotate DIR...
  $0 check DIR...
  $0 logs [-f] [-n LINES] [--stderr|--stdout] DIR
  $0 metrics DIR...
  $0 serve [--listen ADDR:PORT] [--token-file F] DIR...
  $0 completion`;

const EPILOGUE = `--wait[=SECONDS] waits ${DEFAULT_WAIT_SECONDS} s when given bare; write --wait=N, not --wait N.

Exit status: 0 when every directory reached its state; otherwise the number
of directories that failed (at most ${MAX_FAILED_EXIT}); ${EXIT_USAGE} for usage errors; ${EXIT_NOT_RUNNING} when the
only directory has no supervise running.`;

/** One line, whatever yargs wrote: scripts read the first line of stderr. */
function usageError(message: string): CtlError {
  return new CtlError('usage', `${message.replace(/\s*\n\s*/g, ' ')}`);
}

/**
 * `--wait` takes its value only as `--wait=N`: a bare `--wait` followed by a
 * directory would otherwise swallow the directory as its value.
 */
function expandBareWait(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, index) =>
    arg === '--wait' && (end === -1 || index < end) ? `--wait=${DEFAULT_WAIT_SECONDS}` : arg,
  );
}

function withDirs(command: Argv): Argv {
  return command.positional('DIR', { type: 'string', array: true, describe: 'status directory, e.g. status/redis' });
}

/** Lists the status directories that complete a partly typed DIR (reads the file system, so the caller passes it). */
export type CompleteDirs = (current: string) => string[];

/** Words that come before the DIRs of a verb, for completion (yargs completes only the top level's positionals). */
const WORDS_BEFORE_DIRS: Readonly<Record<string, readonly string[]>> = { alarm: ['on', 'off'] };

/**
 * yargs' completion (verbs, options), with the word after `alarm` completed
 * as on or off and every other word after a verb, unless it starts with `-`,
 * as a DIR by `completeDirs`.
 */
function completeWith(completeDirs: CompleteDirs) {
  return (
    current: string,
    argv: { _: (string | number)[] },
    completionFilter: (onCompleted: (error: Error | null, completions: string[] | undefined) => void) => void,
    done: (completions: string[]) => void,
  ): void => {
    completionFilter((_error, completions) => {
      const words = argv._.map(String);
      // The last word is the one being completed; the verb comes before it.
      const verbAt = words.findIndex((word, index) => index < words.length - 1 && VERBS.includes(word));
      if (verbAt === -1 || current.startsWith('-')) {
        done(completions ?? []);
        return;
      }
      const before = WORDS_BEFORE_DIRS[words[verbAt]];
      const wordsAfterVerb = words.length - 1 - verbAt - 1;
      done(before && wordsAfterVerb === 0 ? before.filter((word) => word.startsWith(current)) : completeDirs(current));
    });
  };
}

function defineCommandLine(completeDirs: CompleteDirs): Argv {
  let parser = yargs()
    .scriptName('supervisectl')
    .usage(SYNOPSIS)
    .command('status <DIR..>', 'print one svstat-like line per directory', (command) =>
      withDirs(command).option('json', { type: 'boolean', default: false, describe: 'print an array of status.json objects' }),
    )
    .example('$0 status status/redis status/nginx', 'up (pid 1234) 3600 seconds, normally up, alarms on')
    .example('$0 status --json status/redis', 'status.json objects, "supervised": false when not running');
  for (const action of CONTROL_ACTIONS) {
    parser = parser
      .command(`${action} <DIR..>`, CONTROL_HELP[action].describe, (command) =>
        withDirs(command).option('wait', {
          // A string, so a bad value is reported as typed rather than as NaN.
          type: 'string',
          describe: `wait until the state is reached, at most SECONDS (bare: ${DEFAULT_WAIT_SECONDS})`,
        }),
      )
      .example(`$0 ${CONTROL_HELP[action].example}`, CONTROL_HELP[action].describe.replace(/;.*$/, ''));
  }
  return parser
    .command('alarm <STATE> <DIR..>', 'turn alarms on (n) or off (s)', (command) =>
      withDirs(command).positional('STATE', { choices: ['on', 'off'] as const, describe: 'on or off' }),
    )
    .example('$0 alarm off status/redis', 'silence alarms during maintenance')
    .command('reload <DIR..>', 'make supervise reload supervise.conf (r)', withDirs)
    .example('$0 reload status/redis', 'reload the alarm settings')
    .command('check <DIR..>', 'exit 0 when a supervise runs on every directory', withDirs)
    .example('$0 check status/redis || start_it', 'the svok test')
    .command('logs <DIR>', "print the last lines of the service's output", (command) =>
      withDirs(command)
        .option('f', { alias: 'follow', type: 'boolean', default: false, describe: 'keep printing new lines, across restarts' })
        .option('n', { alias: 'lines', type: 'number', default: DEFAULT_LOG_LINES, describe: 'how many lines' })
        .option('stderr', { type: 'boolean', describe: 'read __stderr' })
        .option('stdout', { type: 'boolean', describe: 'read __stdout (the default)' })
        .conflicts('stderr', 'stdout'),
    )
    .example('$0 logs -f -n 50 --stderr status/redis', 'follow the service stderr')
    .command('metrics <DIR..>', 'print the Prometheus text format for the directories', withDirs)
    .example('$0 metrics status/*', 'supervise_service_up{module="redis",dir="/srv/status/redis"} 1 ...')
    .command('serve <DIR..>', 'serve a web page, a JSON API and /metrics for the directories (or supervise-scan SCANDIRs)', (command) =>
      withDirs(command)
        .option('listen', { type: 'string', default: DEFAULT_LISTEN, describe: 'ADDR:PORT to listen on' })
        .option('token-file', { type: 'string', describe: 'a 0600 file whose first line is the token POSTs need; without it, read-only' }),
    )
    .example('$0 serve --token-file ~/.supervise-token status/*', 'the page at http://127.0.0.1:9001/')
    .completion('completion', 'print a bash completion script: source <(supervisectl completion)', completeWith(completeDirs))
    .demandCommand(1, 'name a verb; see supervisectl --help')
    .epilogue(EPILOGUE)
    .help()
    .alias('h', 'help')
    .version(false)
    .strict()
    .wrap(null)
    .parserConfiguration({ 'parse-positional-numbers': false })
    .exitProcess(false)
    .fail((message, error) => {
      throw usageError(error?.message ?? message);
    });
}

function dirsOf(parsed: Record<string, unknown>): string[] {
  const dirs = parsed.DIR;
  if (Array.isArray(dirs)) return dirs.map(String);
  if (typeof dirs === 'string') return [dirs];
  throw usageError('missing DIR');
}

function waitSecondsOf(value: unknown): number | null {
  if (value === undefined) return null;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--wait expects seconds >= 0, got ${JSON.stringify(String(value))}`);
  }
  return seconds;
}

function listenOf(value: unknown): ListenAddress {
  const parsed = parseListenAddress(String(value));
  if (typeof parsed === 'string') throw usageError(parsed);
  return parsed;
}

function linesOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw usageError(`-n expects a whole number of lines >= 0, got ${JSON.stringify(String(value))}`);
  }
  return value;
}

const VERBS: readonly string[] = ['status', ...CONTROL_ACTIONS, 'alarm', 'reload', 'check', 'logs', 'metrics', 'serve', 'completion'];
/** The option bash's completion function calls us with (yargs' name for it). */
const COMPLETION_REQUEST = '--get-yargs-completions';

export function parseSupervisectlArgs(argv: readonly string[], completeDirs: CompleteDirs = () => []): CtlCommand {
  // yargs' strict mode would say "Unknown arguments: bogus, status/x".
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !VERBS.includes(first)) {
    throw usageError(`unknown verb ${JSON.stringify(first)}; see supervisectl --help`);
  }
  let helpText: string | null = null;
  const printsOnly = first === 'completion' || argv.includes(COMPLETION_REQUEST);
  // The callback form hands back what yargs would print (help, the completion
  // script, completions) instead of printing it, so the run decides where text goes.
  const parsed = defineCommandLine(completeDirs).parse(expandBareWait(argv), {}, (_error, args, output) => {
    if (args.help === true || printsOnly) helpText = output;
  }) as Record<string, unknown>;
  if (helpText !== null) return { verb: 'help', text: helpText };

  const verb = String((parsed._ as unknown[])[0]);
  switch (verb) {
    case 'status':
      return { verb, json: parsed.json === true, dirs: dirsOf(parsed) };
    case 'alarm':
      return { verb, alarmsOn: parsed.STATE === 'on', dirs: dirsOf(parsed) };
    case 'reload':
    case 'check':
    case 'metrics':
      return { verb, dirs: dirsOf(parsed) };
    case 'logs':
      return {
        verb,
        dir: dirsOf(parsed)[0],
        stream: parsed.stderr === true ? 'stderr' : 'stdout',
        lines: linesOf(parsed.n),
        follow: parsed.f === true,
      };
    case 'serve':
      return {
        verb,
        listen: listenOf(parsed.listen),
        tokenFile: typeof parsed['token-file'] === 'string' ? parsed['token-file'] : null,
        dirs: dirsOf(parsed),
      };
    default:
      if (isControlAction(verb)) {
        return { verb: 'control', action: verb, waitSeconds: waitSecondsOf(parsed.wait), dirs: dirsOf(parsed) };
      }
      throw usageError(`unknown verb ${JSON.stringify(verb)}`);
  }
}
