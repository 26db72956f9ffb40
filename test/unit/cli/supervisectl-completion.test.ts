// What supervisectl answers when bash asks for completions
// (`supervisectl --get-yargs-completions supervisectl WORD...`, the last word
// being the one under the cursor), with DIRs from an injected lister.
import { describe, expect, it } from 'vitest';
import { parseSupervisectlArgs } from '../../../src/cli/supervisectl-options.js';

const DIRS = ['status/nginx', 'status/redis'];
const listDirs = (current: string) => DIRS.filter((dir) => dir.startsWith(current));

function complete(...words: string[]): string[] {
  const options = parseSupervisectlArgs(['--get-yargs-completions', 'supervisectl', ...words], listDirs);
  if (options.verb !== 'help') throw new Error(`completion returned ${options.verb}`);
  return options.text.split('\n').filter((line) => line !== '');
}

describe('supervisectl completion', () => {
  it('offers every verb first', () => {
    expect(complete('')).toEqual(expect.arrayContaining(['status', 'start', 'stop', 'restart', 'alarm-signal', 'exit', 'alarm', 'reload', 'check', 'logs']));
  });

  it("offers a verb's options for a word starting with -", () => {
    expect(complete('stop', '--')).toEqual(expect.arrayContaining(['--wait', '--help']));
    expect(complete('logs', '-')).toEqual(expect.arrayContaining(['-f', '-n', '--stderr', '--stdout']));
    expect(complete('status', '--')).toContain('--json');
  });

  it('offers status directories after a verb, after options and after other directories', () => {
    expect(complete('status', '')).toEqual(DIRS);
    expect(complete('stop', '--wait=3', 'status/r')).toEqual(['status/redis']);
    expect(complete('status', 'status/redis', 'status/n')).toEqual(['status/nginx']);
  });

  it('offers on and off after alarm, then directories', () => {
    expect(complete('alarm', '')).toEqual(['on', 'off']);
    expect(complete('alarm', 'of')).toEqual(['off']);
    expect(complete('alarm', 'off', '')).toEqual(DIRS);
  });

  it('prints the bash script for `supervisectl completion`', () => {
    const options = parseSupervisectlArgs(['completion']);
    expect(options.verb).toBe('help');
    expect(options.verb === 'help' ? options.text : '').toContain('complete -o bashdefault -o default -F _supervisectl_yargs_completions supervisectl');
  });
});
