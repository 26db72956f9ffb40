// Bash completion as bash runs it: the script `supervisectl completion`
// prints is sourced, COMP_WORDS and COMP_CWORD are set as bash sets them for
// the line being typed, and the completion function fills COMPREPLY.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FIXTURES, REPO_ROOT, runCommand, startSupervised } from '../../helpers/supervise-process.js';

/** COMPREPLY for the words typed so far (the last one under the cursor), run in `cwd`. */
async function completeLine(cwd: string, words: readonly string[]): Promise<string[]> {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const script = `source <(supervisectl completion) && COMP_WORDS=(${quoted}) && COMP_CWORD=${words.length - 1} && _supervisectl_yargs_completions && printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await runCommand('bash', ['-c', script], { cwd, env: { ...process.env, PATH: `${join(REPO_ROOT, 'bin')}:${process.env.PATH}` } });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter((line) => line !== '');
}

describe('bash completion of supervisectl', () => {
  it('completes verbs, options, on/off and status directories, and leaves other words to file completion', async () => {
    const base = makeTempDir();
    await startSupervised([join(FIXTURES, 'forever.sh')], { dir: join(base, 'status', 'redis') });
    await startSupervised([join(FIXTURES, 'forever.sh')], { dir: join(base, 'status', 'nginx') });
    mkdirSync(join(base, 'status', 'not-one'));
    writeFileSync(join(base, 'status', 'not-one', 'notes'), '');

    expect(await completeLine(base, ['supervisectl', 'st'])).toEqual(['status', 'start', 'stop']);
    expect(await completeLine(base, ['supervisectl', 'restart', '--w'])).toEqual(['--wait']);
    expect(await completeLine(base, ['supervisectl', 'alarm', ''])).toEqual(['on', 'off']);
    expect(await completeLine(base, ['supervisectl', 'status', 'status/'])).toEqual(['status/nginx', 'status/redis']);
    expect(await completeLine(base, ['supervisectl', 'stop', '--wait=3', 'status/r'])).toEqual(['status/redis']);
    expect(await completeLine(base, ['supervisectl', 'alarm', 'off', 'status/'])).toEqual(['status/nginx', 'status/redis']);
    // No status directory here: nothing offered, so bash completes file names (-o default).
    expect(await completeLine(base, ['supervisectl', 'status', ''])).toEqual([]);
  });
});
