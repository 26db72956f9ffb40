// Writes `status` and `status.json` as daemontools does: to NAME.new, then
// rename, so a reader never sees half a file.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFileAtomically(path: string, content: string | Uint8Array): void {
  const temporary = `${path}.new`;
  writeFileSync(temporary, content, { mode: 0o644 });
  renameSync(temporary, path);
}

export function writeStatusFiles(dir: string, status: Uint8Array, statusJson: string): void {
  writeFileAtomically(join(dir, 'status'), status);
  writeFileAtomically(join(dir, 'status.json'), statusJson);
}
