// Bash completion of a DIR argument: the status directories whose path
// begins with what was typed so far. Nothing found leaves bash to complete
// file names (the script yargs prints asks for `-o default`), which is how
// one walks down to `status/` in the first place.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isStatusDir } from './check-status-dir.js';

export function completeStatusDirs(current: string): string[] {
  const slash = current.lastIndexOf('/');
  const shownParent = current.slice(0, slash + 1);
  const parent = shownParent === '' ? '.' : shownParent;
  const partial = current.slice(slash + 1);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(partial) && (partial.startsWith('.') || !name.startsWith('.')))
    .filter((name) => isStatusDir(join(parent, name)))
    .map((name) => `${shownParent}${name}`)
    .sort();
}
