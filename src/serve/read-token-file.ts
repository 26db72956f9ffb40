// `--token-file F` of `supervisectl serve`: the secret every POST must carry.
// Refused unless only its owner can read it and that owner is us, the way
// ssh refuses a private key that others can read.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { describeCause } from '../core/supervise-error.js';
import { CtlError } from '../ctl/ctl-error.js';

/** Short tokens can be guessed over the network; 16 characters of base64 are 96 bits. */
export const MIN_TOKEN_LENGTH = 16;

function refuse(path: string, reason: string): CtlError {
  return new CtlError('usage', `unable to use token file ${path}: ${reason}`);
}

/** The token: the file's first line, without surrounding white space. */
export function readTokenFile(path: string, euid: number = process.geteuid?.() ?? 0): string {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink could point at a file whose mode we never checked.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(path, describeCause(error));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw refuse(path, 'not a regular file');
    if (stats.uid !== euid) throw refuse(path, `owned by uid ${stats.uid}, not by uid ${euid} who runs serve`);
    const mode = stats.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw refuse(path, `mode ${mode.toString(8).padStart(4, '0')} is open to group or others; chmod 600 ${path}`);
    }
    const token = readFileSync(fd, 'utf8').split('\n')[0].trim();
    if (token.length < MIN_TOKEN_LENGTH) {
      throw refuse(path, `the token on its first line has ${token.length} characters, expected at least ${MIN_TOKEN_LENGTH}`);
    }
    return token;
  } finally {
    closeSync(fd);
  }
}
