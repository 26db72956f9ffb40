// Property (SPEC section 4, `r`): a file made only of legal lines never makes
// `r` keep the old values, and its warnings never say "unable to parse";
// one line that cannot be parsed makes `r` keep them, and is the one line
// named "unable to parse". Files are drawn at random from a seeded generator;
// each case's seed is printed on failure, and
//   CONFIG_SEED=<seed> CONFIG_CASES=1 npx vitest run test/unit/config/reload-acceptance-property.test.ts
// replays it alone.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';
import { pick, seededRandom } from '../../helpers/seeded-random.js';

const FIRST_SEED = Number(process.env.CONFIG_SEED ?? 9_004);
const CASES = Number(process.env.CONFIG_CASES ?? 2_000);
const FILE = '/etc/svc/supervise.conf';
const MODULE = 'web';

const SECTIONS = ['[global]', `[${MODULE}]`, '[other.mod-x]', '[global] # main', `[${MODULE}]`];
const NUMBER_KEYS = ['alarm_interval', 'max_tries', 'max_tries_if_coredumped', 'stop_timeout'];

/** Lines start-up uses, notes and all: each may repeat, override nothing, or be unknown. */
function legalLine(random: () => number): string {
  const separator = pick(random, [' : ', ':', ' = ', '=', ' :']);
  switch (Math.floor(random() * 9)) {
    case 0:
      return `${pick(random, NUMBER_KEYS)}${separator}${pick(random, ['0', '1', '5', '60', '120', '007', ''])}`;
    case 1:
      return `alarm_mail${separator}${pick(random, ['ops@example.com', 'ops dev@example.com', 'a@b, c@d', 'root', '@x', 'a@b@c', ''])}`;
    case 2:
      return `alarm_gsm${separator}${pick(random, ['13800000000', '1 2 3', ''])}`;
    case 3: {
      const [key, values] = pick(random, [
        ['mail_transport', ['sendmail', 'smtp://mail.corp:25', 'smtps://u:p@mail.corp']],
        ['mail_from', ['ops@example.com', 'supervise']],
        ['gsm_command', ['/bin/gsm', 'gsmsend-script']],
      ] as const);
      return `${key}${separator}${pick(random, values)}`;
    }
    case 4:
      return `${pick(random, ['retry_delay', 'alarm_sms', 'Max_Tries'])}${separator}3`;
    case 5:
      return `${pick(random, NUMBER_KEYS)}${separator}${pick(random, ['5', '0'])} ${pick(random, ['# why', '; why'])}`;
    case 6:
      return pick(random, ['', '   ', '# comment', '; comment', '#[global]']);
    case 7:
      return pick(random, SECTIONS);
    default:
      return `max_tries${separator}0`;
  }
}

/** Lines that cannot be parsed wherever they stand. */
const SYNTAX_ERRORS = ['this is not a line', '  max_tries : 5', '\tstop_timeout : 1', '[ web ]', '[unclosed', 'max_tries'];

/**
 * Values that cannot be used. They are checked in the sections the module
 * uses, as the value in force: so the case puts one last, under [web].
 */
const VALUE_ERRORS = [
  'max_tries : five',
  'max_tries : -1',
  'alarm_interval : 99999999999999',
  'mail_transport : smtp:/alarm:pw@mail.corp:25',
  'mail_transport : ftp://x',
  'stop_timeout : 1.5',
];

function legalFile(random: () => number): string[] {
  // Keys need a section above them: a key outside any section is not legal.
  const lines = [pick(random, SECTIONS)];
  const count = Math.floor(random() * 12);
  for (let n = 0; n < count; n += 1) lines.push(legalLine(random));
  return lines;
}

describe('r accepts every file start-up accepts, over random files', () => {
  it(`legal lines only: no refusal and no "unable to parse" (${CASES} files from seed ${FIRST_SEED})`, () => {
    for (let n = 0; n < CASES; n += 1) {
      const seed = FIRST_SEED + n;
      const text = legalFile(seededRandom(seed)).join(pick(seededRandom(seed + 1), ['\n', '\r\n']));
      const result = parseConfig(text, MODULE, FILE);
      const why = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(result.unparsedLines, why).toBe(0);
      expect(result.warnings.filter((warning) => warning.includes('unable to')), why).toEqual([]);
    }
  });

  it(`one line that cannot be parsed: refused, and named as the one unparsable line (${CASES} files from seed ${FIRST_SEED})`, () => {
    for (let n = 0; n < CASES; n += 1) {
      const seed = FIRST_SEED + n;
      const random = seededRandom(seed);
      const lines = legalFile(random);
      let at: number;
      if (random() < 0.5) {
        at = 1 + Math.floor(random() * lines.length);
        lines.splice(at, 0, pick(random, SYNTAX_ERRORS));
      } else {
        lines.push(`[${MODULE}]`, pick(random, VALUE_ERRORS));
        at = lines.length - 1;
      }
      const text = lines.join('\n');
      const result = parseConfig(text, MODULE, FILE);
      const why = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(result.unparsedLines, why).toBe(1);
      expect(result.warnings.filter((warning) => warning.includes('unable to')), why).toEqual([
        expect.stringMatching(new RegExp(`^unable to parse ${FILE} line ${at + 1}: `)),
      ]);
    }
  });
});
