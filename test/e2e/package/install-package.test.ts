// The package as a user gets it (issue 15): `npm pack` in a clean copy of the
// repository (which builds dist/ and the man pages), then
// `npm install -g --prefix PREFIX ./supervise-*.tgz` with every compiler and
// node-gyp's tools replaced by traps, then the commands from PREFIX/bin, the
// demo, supervise-scan, the man pages, and `npm uninstall -g`, which must leave no file.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FIXTURES, REPO_ROOT, isAlive, killDaemonAfterTest, readStatus, runCommand, waitForServicePid } from '../../helpers/supervise-process.js';
import { startScan, writeScript } from '../../helpers/supervise-scan-process.js';

/** What node-gyp or a native addon's install would run. */
const BUILD_TOOLS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python3', 'python', 'node-gyp'];

/** A directory of trap commands that note their name in `log` and fail. */
function makeTraps(dir: string, log: string): void {
  mkdirSync(dir);
  for (const tool of BUILD_TOOLS) {
    writeFileSync(join(dir, tool), `#!/bin/sh\necho ${tool} >> '${log}'\nexit 1\n`);
    chmodSync(join(dir, tool), 0o755);
  }
}

/** The repository's tracked files, copied as a fresh clone has them, with our node_modules linked in. */
function copyRepository(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO_ROOT, file))) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    execFileSync('cp', ['-p', join(REPO_ROOT, file), join(into, file)]);
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(into, 'node_modules'));
}

/** Every file and symlink under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('the npm package', () => {
  it('packs with dist/ and man pages, installs with no compiler, runs from PREFIX/bin with its demo, and uninstalls leaving no file', async () => {
    const base = makeTempDir();
    const clone = join(base, 'clone');
    const prefix = join(base, 'prefix');
    const trapLog = join(base, 'traps.log');
    copyRepository(clone);
    makeTraps(join(base, 'traps'), trapLog);
    const env = { ...process.env, PATH: `${join(base, 'traps')}:${dirname(process.execPath)}:/usr/bin:/bin`, npm_config_cache: join(base, 'npm-cache') };
    const npm = join(dirname(process.execPath), 'npm');
    const npmFlags = ['--no-audit', '--no-fund', '--no-update-notifier'];

    const pack = await runCommand(npm, ['pack', ...npmFlags, '--pack-destination', base], { cwd: clone, env, timeoutMs: 120_000 });
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = join(base, pack.stdout.trim().split('\n').at(-1) as string);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining([
        'package/dist/supervise.mjs',
        'package/dist/supervise-scan.mjs',
        'package/dist/man/supervise.8',
        'package/dist/man/supervise-scan.8',
        'package/bin/supervise',
        'package/bin/supervise-scan',
        'package/scripts/supervise-scan.service',
      ]));
    expect(listing.filter((path) => path.startsWith('package/src/') || path.startsWith('package/test/'))).toEqual([]);

    const install = await runCommand(npm, ['install', '-g', '--prefix', prefix, ...npmFlags, '--offline', tarball], { env, timeoutMs: 120_000 });
    expect(install.code, install.stderr).toBe(0);
    expect(existsSync(trapLog) ? readFileSync(trapLog, 'utf8') : '', 'no build tool may run at install').toBe('');
    expect(filesUnder(prefix).filter((path) => path.endsWith('.node'))).toEqual([]);
    for (const page of ['man8/supervise.8', 'man8/supervisectl.8', 'man8/supervise-scan.8', 'man5/supervise.conf.5']) {
      expect(existsSync(join(prefix, 'share/man', page)), page).toBe(true);
    }

    const supervise = join(prefix, 'bin/supervise');
    const supervisectl = join(prefix, 'bin/supervisectl');
    const version = await runCommand(supervise, ['-v'], { env });
    expect(version.code, version.stderr).toBe(0);

    const dir = join(base, 'status', 'installed');
    killDaemonAfterTest(dir);
    const start = await runCommand(supervise, ['-u', dir, join(FIXTURES, 'forever.sh')], { env });
    expect(start.code, start.stderr).toBe(0);
    const service = readStatus(dir).pid;
    expect(isAlive(service)).toBe(true);
    expect((await runCommand(supervisectl, ['status', dir], { env })).stdout).toMatch(new RegExp(`: up \\(pid ${service}\\)`));
    const stop = await runCommand(supervisectl, ['stop', '--wait', dir], { env });
    expect(stop.code, stop.stderr).toBe(0);
    const exit = await runCommand(supervisectl, ['exit', '--wait', dir], { env });
    expect(exit.code, exit.stderr).toBe(0);

    // supervise-scan from PREFIX/bin: a SCANDIR with one service, up, then SIGTERM stops it and the scan exits 0.
    const scanDir = join(base, 'scan');
    writeScript(join(scanDir, 'one', 'run'), `exec ${join(FIXTURES, 'forever.sh')}`);
    const scan = startScan(scanDir, [], env, join(prefix, 'bin/supervise-scan'));
    const scanned = await waitForServicePid(join(scanDir, 'one', 'supervise'));
    process.kill(scan.pid, 'SIGTERM');
    expect(await scan.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(scanned)).toBe(false);

    const installed = join(prefix, 'lib/node_modules/supervise');
    const demoDir = join(installed, 'demo/status/clock');
    killDaemonAfterTest(demoDir);
    const demo = await runCommand(join(installed, 'scripts/demo.sh'), [], { env });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/demo\/status\/clock: up \(pid \d+\)/);
    const demoStop = await runCommand(supervisectl, ['stop', '--wait', demoDir], { env });
    expect(demoStop.code, demoStop.stderr).toBe(0);
    const demoExit = await runCommand(supervisectl, ['exit', '--wait', demoDir], { env });
    expect(demoExit.code, demoExit.stderr).toBe(0);

    const uninstall = await runCommand(npm, ['uninstall', '-g', '--prefix', prefix, ...npmFlags, 'supervise'], { env, timeoutMs: 120_000 });
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(filesUnder(prefix)).toEqual([]);
  }, 300_000);
});
