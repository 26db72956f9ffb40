// What a run needs before measuring: the peers installed from Debian, and
// the stamp-service fixture compiled with the system gcc.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const buildDir = join(benchDir, '.build');

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binaries (and other files) of a peer that are not there. */
export function missingFiles(peer) {
  return [...peer.binaries.filter((path) => !isExecutable(path)), ...(peer.files ?? []).filter((path) => !existsSync(path))];
}

/**
 * Installs (unless told not to) the Debian packages of the peers whose
 * binaries are missing.
 * Binaries are checked by absolute path, not `command -v`: Debian's
 * daemontools installs a `supervise` of its own, and a PATH lookup could find
 * either one. Returns a Map from the id of each peer still unavailable to why.
 */
export function installMissingPeers(peers, log, { install }) {
  const missing = peers.filter((peer) => missingFiles(peer).length > 0);
  const packages = [...new Set(missing.flatMap((peer) => peer.packages))];
  if (install && packages.length > 0) {
    log(`installing from Debian: ${packages.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const aptGet = (args) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const installArgs = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
    let listsPresent = false;
    try {
      listsPresent = readdirSync('/var/lib/apt/lists').some((name) => name.endsWith('_Packages'));
    } catch {
      // no lists directory: update first
    }
    if (!listsPresent) aptGet(['update', '-qq']);
    let result = aptGet(installArgs);
    if (result.status !== 0 && listsPresent) {
      // Stale package lists name files the mirror no longer has: update once and retry.
      aptGet(['update', '-qq']);
      result = aptGet(installArgs);
    }
    if (result.status !== 0) log(`apt-get install failed (exit ${result.status}): ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`);
  }
  const unavailable = new Map();
  for (const peer of missing) {
    const absent = missingFiles(peer);
    if (absent.length === 0) continue;
    const remedy = peer.packages.length ? `Debian package ${peer.packages.join(', ')}` : 'run npm run build';
    unavailable.set(peer.id, `${absent.join(', ')} missing (${remedy})`);
  }
  return unavailable;
}

/** Compiles the fixture into bench/.build unless the binary is newer than its source. */
export function buildFixture(log) {
  return compileFixture('stamp-service', log);
}

/** The writer of the throughput metric, compiled the same way. */
export function buildLineWriter(log) {
  return compileFixture('line-writer', log);
}

function compileFixture(name, log) {
  const source = join(benchDir, 'fixtures', `${name}.c`);
  const binary = join(buildDir, name);
  const upToDate = (() => {
    try {
      return statSync(binary).mtimeMs >= statSync(source).mtimeMs;
    } catch {
      return false;
    }
  })();
  if (!upToDate) {
    mkdirSync(buildDir, { recursive: true });
    log(`compiling ${source}`);
    try {
      execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', binary, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new Error(`unable to compile ${source} with gcc: ${String(error.stderr || error.message).trim()}`);
    }
  }
  return binary;
}

/** The Debian version of a package, or '?' */
export function debianVersion(pkg) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || '?';
  } catch {
    return '?';
  }
}
