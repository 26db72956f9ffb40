// Piped output on a full disk (SPEC section 12, issue 10 point 3): the status
// directory is on a 1 MB tmpfs. supervise stops reading the pipe, so the
// service blocks instead of losing lines; one WARNING is logged; the daemon
// goes on supervising (`d` works); once space is freed every line is there.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForLog } from '../helpers/wait-for-log.js';
import { countLogLines, FIXTURES, isAlive, runCommand, startSupervised, waitForDaemonExit } from '../helpers/supervise-process.js';

const LINES = 9000;

async function mountSmallTmpfs(): Promise<string> {
  const mountPoint = makeTempDir();
  const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
  expect(mounted.code, mounted.stderr).toBe(0);
  // Registered after makeTempDir's removal, so it runs first (vitest runs onTestFinished callbacks in reverse).
  onTestFinished(async () => {
    await runCommand('umount', ['-l', mountPoint]);
  });
  return mountPoint;
}

describe('piped output on a full disk', () => {
  it('blocks the service, warns once, keeps supervising, and loses no line once space is freed', async () => {
    const mountPoint = await mountSmallTmpfs();
    const dir = join(mountPoint, 'svc');
    mkdirSync(dir, { mode: 0o700 });
    // The log files hold lines already, as on any machine where supervise ran
    // before: the WARNING then needs no page the full tmpfs no longer has.
    writeFileSync(join(dir, 'supervise.log.wf'), '[NOTICE] 2026-01-01 00:00:00 an earlier run\n', { mode: 0o600 });
    // Most of the 1 MB taken by something else; 9000 lines of 100 bytes do not fit in the rest.
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(600 * 1024, 'f'));

    const work = makeTempDir();
    const config = join(work, 'supervise.conf');
    // kill_mode process: `d` stops the shell only; the writer, blocked on the full pipe, runs on (SPEC section 11).
    writeFileSync(config, '[global]\noutput_max_bytes : 10M\nkill_mode : process\n');
    const done = join(work, 'done');
    const writer = `${join(FIXTURES, 'numbered-output.mjs')} count ${LINES} ${done} & exec sleep infinity`;
    const { daemonPid, servicePid } = await startSupervised(['sh', '-c', writer], { dir, args: ['-F', config] });

    await waitForLog(dir, /unable to write .*__stdout: .*ENOSPC/, 'supervise.log.wf', 20_000);
    // The writer cannot finish while the disk is full: it waits on the pipe.
    expect(existsSync(done)).toBe(false);

    writeFileSync(join(dir, 'control'), 'd');
    await waitFor(() => !isAlive(servicePid) || undefined, { what: 'the service stopped by d while the disk is full' });

    rmSync(filler);
    await waitFor(() => existsSync(done) || undefined, { what: 'the writer to finish once space is freed', timeoutMs: 20_000 });
    await waitForLog(dir, /writing .*__stdout again after [\d.]+ s; nothing was lost/, 'supervise.log', 20_000);
    expect(countLogLines(dir, /unable to write .*__stdout/, 'supervise.log.wf')).toBe(1);

    writeFileSync(join(dir, 'control'), 'x');
    await waitForDaemonExit(daemonPid);
    const expected = Array.from({ length: LINES }, (_, seq) => `c ${String(seq).padStart(8, '0')} ${'y'.repeat(88)}\n`).join('');
    expect(readFileSync(join(dir, '__stdout'), 'latin1') === expected).toBe(true);
  });
});
