// The man pages scripts/build.mjs makes from man/*.md with marked-man:
// groff renders them without a warning, `man -l` shows them, and each covers
// what the README covers for its command (options, verbs, keys, exit codes).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCommand } from '../../helpers/supervise-process.js';

const PAGES = ['supervise.8', 'supervisectl.8', 'supervise-scan.8', 'supervise.conf.5'];
const pagePath = (page: string) => join(REPO_ROOT, 'dist/man', page);

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The page's text with roff's font changes and escaped dashes undone. */
function pageText(page: string): string {
  return readFileSync(pagePath(page), 'utf8').replace(/\\f[BIRP]/g, '').replace(/\\([-.])/g, '$1').replace(/\\\(bu/g, '');
}

/** The README's fenced block that follows `heading`. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(`\n${heading}\n`);
  const block = /```\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from === -1 || !block) throw new Error(`no block after ${heading} in README.md`);
  return block[1];
}

describe('man pages', () => {
  it.skipIf(!hasCommand('groff'))('render with groff -man -ww without a warning', async () => {
    for (const page of PAGES) {
      const result = await runCommand('groff', ['-man', '-Tutf8', '-ww', '-z', pagePath(page)], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
      expect(result.stderr, page).toBe('');
      expect(result.code, page).toBe(0);
    }
  });

  it.skipIf(!hasCommand('man'))('show with man -l, under their names and sections', async () => {
    for (const page of PAGES) {
      const result = await runCommand('man', ['-l', pagePath(page)], { env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80' } });
      expect(result.code, `${page}: ${result.stderr}`).toBe(0);
      expect(result.stderr, page).toBe('');
      const [name, section] = [page.slice(0, page.lastIndexOf('.')), page.slice(page.lastIndexOf('.') + 1)];
      expect(result.stdout.split('\n')[0], page).toContain(`${name.toUpperCase()}(${section})`);
      expect(result.stdout, page).toMatch(/^NAME\n/m);
      expect(result.stdout, page).toMatch(/^SYNOPSIS\n/m);
    }
  });

  it('supervise(8) names every option of the README usage, every control byte and every exit status', () => {
    const text = pageText('supervise.8');
    const options = new Set(readmeBlock('## Usage').match(/(?<=\s|\[)--?[a-zA-Z][a-z-]*/g));
    expect(options.size).toBeGreaterThan(6);
    for (const option of options) expect(text, option).toContain(option);
    for (const byte of 'udoxpchaitksnr') expect(text, `control byte ${byte}`).toMatch(new RegExp(`(^|[ ,])${byte}(,|:| )`, 'm'));
    for (const code of ['0', '100', '110', '111', '112']) expect(text, `exit ${code}`).toMatch(new RegExp(`^${code}: `, 'm'));
  });

  it('supervisectl(8) names every verb and option of the README usage', () => {
    const text = pageText('supervisectl.8');
    const usage = readmeBlock('## supervisectl');
    const words = new Set(usage.match(/(?<=\s|\||\[)--?[a-z][a-z-]*|(?<=^supervisectl |\|)[a-z-]+/gm));
    expect(words.size).toBeGreaterThan(20);
    for (const word of words) expect(text, word).toContain(word);
  });

  it('supervise-scan(8) names its options, the layout, signals, exit statuses and the systemd unit', () => {
    const text = pageText('supervise-scan.8');
    for (const word of ['-F', '-v', '-h', 'SCANDIR/NAME/supervise', 'down', 'log/run', 'SIGHUP', 'SIGTERM', 'SIGINT', 'scripts/supervise-scan.service']) {
      expect(text, word).toContain(word);
    }
    for (const code of ['0', '100', '110', '111']) expect(text, `exit ${code}`).toMatch(new RegExp(`^${code}: `, 'm'));
  });

  it('supervise.conf(5) names every key of supervise.conf.example', () => {
    const text = pageText('supervise.conf.5');
    const keys = new Set(readFileSync(join(REPO_ROOT, 'supervise.conf.example'), 'utf8').match(/^[a-z_]+(?= *[:=])/gm));
    expect(keys.size).toBeGreaterThan(8);
    for (const key of keys) expect(text, key).toContain(key);
  });
});
