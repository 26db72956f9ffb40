// Property: every command line the early-launch pre-scan (src/cli/pre-scan.ts)
// accepts, yargs — the real parser that supervise-options builds — parses to
// the same status directory, command and restart hook, as an ordinary
// daemonizing run. The pre-scan may decline anything; it must never guess
// what yargs would read differently or refuse.
//
// Command lines are drawn at random over supervise's real options, in every
// form yargs knows (short, long, `=`, `--`, repeated, unknown, values that
// look like options, quoted -f strings), from a seeded generator written here.
// Each case has its own seed, printed on failure; to replay one case:
//   PRE_SCAN_SEED=<seed> PRE_SCAN_CASES=1 npx vitest run test/unit/cli/pre-scan-property.test.ts
import { describe, expect, it } from 'vitest';
import { guessDaemonRun } from '../../../src/cli/pre-scan.js';
import { parseSuperviseArgs, type ParsedCommandLine } from '../../../src/cli/supervise-options.js';
import { pick, seededRandom } from '../../helpers/seeded-random.js';

const FIRST_SEED = Number(process.env.PRE_SCAN_SEED ?? 20261130);
const CASES = Number(process.env.PRE_SCAN_CASES ?? 3000);

/** The options supervise-options declares, by the names yargs accepts for each. */
const VALUE_OPTIONS = ['p', 'u', 'f', 'F', 'r', 't'] as const;
const FLAG_OPTIONS = ['foreground', 'v', 'h'] as const;

const PLAIN_VALUES = ['status/x', 'd', 'svc.conf', '/tmp/hook.sh', 'app', 'with space', 'a=b', 'é/ü', '.', 'status/-x', 'x-', 'line\nbreak', '5x'];
const TRICKY_VALUES = [
  '', ' ', '-', '--', '-x', '--y', '-p', '-u', '--foreground', '-5', '5', '007', '0', '1e3', '0x10', 'true', 'false',
  'null', 'undefined', '__proto__', 'constructor', '-1.5', '--p=q', '=', '-=',
];
const COMMAND_STRINGS = [
  'sleep 1', 'app -c conf', `sh -c 'a b'`, `"quoted app" --flag`, 'a\\ b c', `'x`, '"x', 'trailing\\', '  ', `sh -c "echo \\"hi\\""`,
  '-x', '--', 'app -- -z', 'app=1',
];
const COMMAND_WORDS = ['app', 'sleep', '1', '-c', 'conf', '--', '-u', 'x', '-p', '--foreground', '-h', 'a b', ''];
const UNKNOWN_OPTIONS = ['-x', '--bogus', '-pq', '-pd', '--no-foreground', '--foreground=false', '--foreground=true', '-1', '--P'];

function valueFor(random: () => number, name: string): string {
  const roll = random();
  if (roll < 0.12) return pick(random, TRICKY_VALUES);
  if (name === 'f') return pick(random, COMMAND_STRINGS);
  if (name === 't') return pick(random, ['0', '5', '30', '007', '1.5', '-1', 'soon', '1e3', '99999999999999999999']);
  return pick(random, PLAIN_VALUES);
}

/** One way of writing option `name` with `value`: `-p v`, `--p v`, `-p=v` or `--p=v`. */
function spell(random: () => number, name: string, value: string): string[] {
  const dashes = name.length > 1 || random() < 0.08 ? '--' : '-';
  return random() < 0.08 ? [`${dashes}${name}=${value}`] : [`${dashes}${name}`, value];
}

/** A command line: mostly well formed (so the pre-scan accepts many), then perhaps disturbed. */
function commandLine(random: () => number): string[] {
  const argv: string[] = [];
  const extras = VALUE_OPTIONS.filter((name) => name !== 'p' && name !== 'u' && name !== 'f' && random() < 0.3);
  for (const name of extras) argv.push(...spell(random, name, valueFor(random, name)));
  const verbatim = random() < 0.5;
  if (!verbatim) {
    const pair = [...spell(random, 'p', valueFor(random, 'p')), ...spell(random, 'f', valueFor(random, 'f'))];
    argv.push(...(random() < 0.5 ? pair : [...pair.slice(pair.length / 2), ...pair.slice(0, pair.length / 2)]));
  }
  // Disturb: insert, repeat or drop a token somewhere before the -u tail.
  const disturbances = random() < 0.6 ? 0 : 1 + Math.floor(random() * 3);
  for (let n = 0; n < disturbances; n += 1) {
    const at = Math.floor(random() * (argv.length + 1));
    const roll = random();
    let tokens: string[];
    if (roll < 0.3) tokens = [pick(random, UNKNOWN_OPTIONS)];
    else if (roll < 0.5) tokens = [pick(random, FLAG_OPTIONS).replace(/^/, random() < 0.5 ? '--' : '-')];
    else if (roll < 0.75) {
      const name = pick(random, VALUE_OPTIONS);
      tokens = spell(random, name, valueFor(random, name));
    } else if (roll < 0.85) tokens = ['--'];
    else if (roll < 0.95) tokens = [pick(random, [...PLAIN_VALUES, ...TRICKY_VALUES])];
    else {
      argv.splice(at, 1);
      continue;
    }
    argv.splice(at, 0, ...tokens);
  }
  if (verbatim) {
    argv.push(...spell(random, 'u', valueFor(random, 'u')));
    const words = Math.floor(random() * 4);
    for (let n = 0; n < words; n += 1) argv.push(pick(random, COMMAND_WORDS));
  }
  return argv;
}

function parseOrError(argv: string[]): ParsedCommandLine | string {
  try {
    return parseSuperviseArgs(argv);
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

describe('the pre-scan against yargs, over random command lines', () => {
  it(`accepts only what yargs parses the same way (${CASES} cases from seed ${FIRST_SEED})`, () => {
    let accepted = 0;
    for (let n = 0; n < CASES; n += 1) {
      const seed = FIRST_SEED + n;
      const argv = commandLine(seededRandom(seed));
      const guess = guessDaemonRun(argv);
      if (guess === null) continue;
      accepted += 1;
      const parsed = parseOrError(argv);
      const asYargsSawIt =
        typeof parsed === 'string' || parsed.kind === 'print'
          ? parsed
          : { statusDir: parsed.options.statusDir, command: parsed.options.command, restartHook: parsed.options.restartHook, foreground: parsed.options.foreground };
      expect(asYargsSawIt, `seed ${seed}: argv ${JSON.stringify(argv)}`).toEqual({ ...guess, foreground: false });
    }
    // The generator must reach the interesting side: plenty of accepted lines, and plenty declined.
    expect(accepted, 'command lines the pre-scan accepted').toBeGreaterThan(CASES / 10);
    if (CASES >= 1000) expect(accepted, 'command lines the pre-scan accepted').toBeLessThan(CASES * 0.9);
  });
});
