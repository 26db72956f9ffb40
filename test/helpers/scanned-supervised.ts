// startSupervised's scan mode: the service a test asked for, run as the one
// service of a fresh SCANDIR under supervise-scan (SPEC section 13), so a
// suite written for `supervise -u DIR command...` runs unchanged against it.
import { chmodSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join, resolve as resolvePath } from 'node:path';
import { readLog, readStatus, readStatusJson, type SupervisedService } from './supervise-process.js';
import { startScan, writeScript } from './supervise-scan-process.js';
import { makeTempDir } from './temp-dir.js';
import { skipInScanMode } from './test-mode.js';
import { waitFor } from './wait-for.js';

/** One word for /bin/sh, taken literally. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The `-F PATH` of supervise's options, resolved as supervise would; other options have no supervise-scan counterpart. */
function configArgs(args: readonly string[], cwd: string): string[] {
  const config: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '-F' && i + 1 < args.length) {
      config.push('-F', resolvePath(cwd, args[i + 1]));
      i += 1;
    } else {
      skipInScanMode(`supervise option ${args[i]} has no supervise-scan counterpart (SPEC section 13 takes only -F)`);
    }
  }
  return config;
}

export async function startScannedService(
  command: readonly string[],
  options: { dir?: string; args?: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<SupervisedService> {
  const cwd = options.cwd ?? process.cwd();
  const config = configArgs(options.args ?? [], cwd);
  const root = makeTempDir('supervise-scan-test-');
  // A service run as another user (the user key) must reach its ./run.
  chmodSync(root, 0o755);
  const scanDir = join(root, 'service');
  mkdirSync(scanDir);
  const name = options.dir ? basename(resolvePath(cwd, options.dir)) : 'svc';
  const serviceDir = join(scanDir, name);
  // The service starts where supervise would have started it: the test's cwd, unless the directory
  // key moved it (then it is not in SCANDIR/NAME). A cwd the service's user may not enter is kept
  // by supervise's service as inherited; here it stays in SCANDIR/NAME.
  // exec: the pid in status is the command's own, as with `supervise -u`.
  writeScript(
    join(serviceDir, 'run'),
    [
      `if [ "$(pwd -P)" = ${shellQuote(join(realpathSync(scanDir), name))} ]; then cd ${shellQuote(cwd)} 2>/dev/null; fi`,
      `exec ${command.map(shellQuote).join(' ')}`,
    ].join('\n'),
  );
  const scan = startScan(scanDir, config, options.env ?? process.env);
  const dir = join(scanDir, name, 'supervise');
  // As `supervise -u` returns: once the service was started (it may have exited since) and the
  // log holds its lines; winston loads after the first start, so lines can lag status until then.
  await waitFor(
    () => {
      if (scan.child.exitCode !== null) throw new Error(`supervise-scan exited ${scan.child.exitCode}: ${scan.stderr()}`);
      try {
        return readStatusJson(dir).starts >= 1 && readLog(dir).includes(`service ${name} started`) ? true : undefined;
      } catch {
        return undefined;
      }
    },
    { what: `the first start of ${name} under supervise-scan ${scanDir}` },
  );
  // `supervise -u` returns once the command was exec'ed; here the run script execs it a moment after
  // its start: wait until the pid no longer runs the script (or is gone), so /proc shows the command.
  const servicePid = readStatus(dir).pid;
  const runScript = join(serviceDir, 'run');
  await waitFor(
    () => {
      try {
        return readFileSync(`/proc/${servicePid}/cmdline`, 'utf8').includes(runScript) ? undefined : true;
      } catch {
        return true;
      }
    },
    { what: `pid ${servicePid} to exec its command instead of ${runScript}` },
  );
  return { dir, daemonPid: scan.pid, servicePid };
}
