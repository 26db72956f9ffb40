// SPEC sections 1 and 9: signals to supervise itself, -u verbatim, -f word splitting.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import {
  FOREVER,
  SUPERVISE_BIN,
  isAlive,
  killDaemonAfterTest,
  readLog,
  readStatus,
  runSupervise,
  startSupervised,
  waitForDaemonExit,
  waitForServicePid,
} from '../../helpers/supervise-process.js';


describe('signals to supervise', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the service and exits with pid 0 in status', async (signal) => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    process.kill(daemonPid, signal);
    await waitForDaemonExit(daemonPid);
    expect(isAlive(servicePid)).toBe(false);
    expect(readStatus(dir)).toMatchObject({ pid: 0, want: 'down' });
    expect(readLog(dir)).toContain(`received ${signal}, stopping`);
  });

  it('ignores SIGHUP', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    process.kill(daemonPid, 'SIGHUP');
    process.kill(servicePid, 'SIGKILL');
    // Still supervising after the HUP: the killed service comes back.
    await waitForServicePid(dir, servicePid);
    expect(isAlive(daemonPid)).toBe(true);
  });

  it('runs in the foreground with --foreground and exits 0 on SIGTERM', async () => {
    const dir = join(makeTempDir(), 'status', 'fg');
    killDaemonAfterTest(dir);
    const child = spawn(SUPERVISE_BIN, ['--foreground', '-u', dir, FOREVER], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pid = await waitFor(() => (existsSync(join(dir, 'status')) ? readStatus(dir).pid || undefined : undefined), {
      what: 'the service started in the foreground',
    });
    // status.json is written just after status; wait for it rather than race it.
    const json = await waitFor(() => (existsSync(join(dir, 'status.json')) ? readFileSync(join(dir, 'status.json'), 'utf8') : undefined), {
      what: 'status.json of the foreground supervise',
    });
    expect(json).toContain(`"supervisePid": ${child.pid}`);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('the command', () => {
  it('-u passes every argument after the directory verbatim', async () => {
    const out = join(makeTempDir(), 'out');
    await startSupervised(['sh', '-c', 'echo "$@" > "$0"; exec sleep infinity', out, '-b', '--c', '-u', "it's"]);
    await waitFor(() => existsSync(out) || undefined, { what: 'the output file' });
    expect(readFileSync(out, 'utf8')).toBe("-b --c -u it's\n");
  });

  it('-f splits words with quotes and backslashes, without a shell', async () => {
    const cwd = makeTempDir();
    const result = await runSupervise(
      ['-p', 'status/q', '-f', `sh -c 'printf "%s|" "$@" > out; exec sleep infinity' _ "a b" c\\ d '$(touch pwned)' ';'`],
      { cwd, statusDir: 'status/q' },
    );
    expect(result.code).toBe(0);
    await waitFor(() => existsSync(join(cwd, 'out')) || undefined, { what: 'the output file' });
    expect(readFileSync(join(cwd, 'out'), 'utf8')).toBe('a b|c d|$(touch pwned)|;|');
    expect(existsSync(join(cwd, 'pwned'))).toBe(false);
  });
});
