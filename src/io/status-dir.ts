// The status directory: created with its parents, mode 0700 (SPEC section 3).
import { mkdirSync, statSync } from 'node:fs';
import { EXIT_STATUS_DIR, SuperviseError, describeCause } from '../core/supervise-error.js';

export function prepareStatusDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SuperviseError(`supervise: unable to create ${path}: ${describeCause(error)}`, EXIT_STATUS_DIR, { cause: error });
  }
  // mkdir -p succeeds on an existing path only when it is a directory, but a
  // symlink to a file or a race can still leave something else there.
  if (!statSync(path).isDirectory()) {
    throw new SuperviseError(`supervise: unable to use ${path}: not a directory`, EXIT_STATUS_DIR);
  }
}
