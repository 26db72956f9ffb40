// Finds the service's executable before daemonizing, so a typo is exit 112 in
// the caller's terminal instead of a crash loop in the background.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { EXIT_COMMAND, SuperviseError } from '../core/supervise-error.js';

export function resolveExecutable(word: string, searchPath: string | undefined, cwd: string): string {
  if (word.includes('/')) {
    const path = resolve(cwd, word);
    const problem = checkExecutable(path);
    if (problem !== null) throw new SuperviseError(`supervise: unable to run ${word}: ${problem}`, EXIT_COMMAND);
    return path;
  }
  const directories = (searchPath ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  let firstProblem: string | null = null;
  for (const directory of directories) {
    const path = resolve(cwd, directory === '' ? '.' : directory, word);
    const problem = checkExecutable(path);
    if (problem === null) return path;
    if (problem !== 'not found') firstProblem ??= `${path}: ${problem}`;
  }
  throw new SuperviseError(`supervise: unable to run ${word}: ${firstProblem ?? 'not found on PATH'}`, EXIT_COMMAND);
}

function checkExecutable(path: string): string | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 'not found';
  }
  if (stat.isDirectory()) return 'is a directory';
  if (!stat.isFile()) return 'not a regular file';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return 'not executable';
  }
  // root passes X_OK when any execute bit is set, which execve also accepts.
  return null;
}
