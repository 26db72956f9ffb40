// supervise-scan (SPEC section 13) on real SCANDIRs: the per-service status
// directories and what scripts do with them (od, fuser, echo X > control,
// supervisectl), ./run in its directory and session, the down file, the scan's
// own lock, a directory held by a per-service supervise, SCANDIR changes seen
// without polling, r per service, SIGHUP, SIGTERM.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  FOREVER,
  SUPERVISECTL_BIN,
  isAlive,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../../helpers/supervise-process.js';
import { SUPERVISE_SCAN_BIN, startScan, waitForScanLine, writeScript } from '../../helpers/supervise-scan-process.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';

const SECTION_3_FILES = ['__stderr', '__stdout', 'control', 'lock', 'ok', 'status', 'status.json', 'supervise.log', 'supervise.log.wf'];

/** A SCANDIR with a service per name, each `exec sleep` after noting its directory and session. */
function makeScanDir(names: readonly string[]): string {
  const scanDir = join(makeTempDir(), 'service');
  for (const name of names) writeScript(join(scanDir, name, 'run'), 'pwd > where; exec sleep 100000');
  return scanDir;
}

function sessionOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[3]);
}

describe('supervise-scan', () => {
  it('gives each service SCANDIR/NAME/supervise with exactly the section 3 files; od, fuser, control and supervisectl work per service', async () => {
    const scanDir = makeScanDir(['alpha', 'beta']);
    const scan = startScan(scanDir);
    const alpha = join(scanDir, 'alpha', 'supervise');
    const beta = join(scanDir, 'beta', 'supervise');
    const alphaPid = await waitForServicePid(alpha);
    await waitForServicePid(beta);
    await waitForLog(alpha, /service alpha started/);

    expect(readdirSync(alpha).sort()).toEqual(SECTION_3_FILES);
    const od = await runCommand('od', ['-An', '-j16', '-N4', '-tu4', join(alpha, 'status')]);
    expect(Number(od.stdout.trim())).toBe(alphaPid);
    const fuser = await runCommand('fuser', [join(alpha, 'lock'), join(beta, 'lock')]);
    expect(fuser.stdout.trim().split(/\s+/).map(Number)).toEqual([scan.pid, scan.pid]);
    expect(readStatusJson(alpha)).toMatchObject({ module: 'alpha', supervisePid: scan.pid });

    // ./run in its own directory, the scan its parent, in a session of its own.
    expect(readFileSync(join(scanDir, 'alpha', 'where'), 'utf8').trim()).toBe(join(scanDir, 'alpha'));
    expect(Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${alphaPid}/status`, 'utf8'))?.[1])).toBe(scan.pid);
    expect(sessionOf(alphaPid)).toBe(alphaPid);

    const status = await runCommand(SUPERVISECTL_BIN, ['status', alpha]);
    expect(status.stdout).toMatch(new RegExp(`: up \\(pid ${alphaPid}\\)`));
    // echo d > control stops alpha only.
    writeControl(alpha, 'd\n');
    await waitFor(() => readStatus(alpha).pid === 0 && !isAlive(alphaPid), { what: 'alpha down after d' });
    expect(readStatus(beta).pid).not.toBe(0);
    const start = await runCommand(SUPERVISECTL_BIN, ['start', '--wait', alpha]);
    expect(start.code, start.stderr).toBe(0);
    expect(readStatus(alpha).pid).not.toBe(0);
  });

  it('starts a service with a down file with want down, and u starts it', async () => {
    const scanDir = makeScanDir(['lazy']);
    writeFileSync(join(scanDir, 'lazy', 'down'), '');
    startScan(scanDir);
    const dir = join(scanDir, 'lazy', 'supervise');
    await waitFor(() => readStatus(dir), { what: 'status of lazy' });
    expect(readStatus(dir)).toMatchObject({ pid: 0, want: 'down' });
    writeControl(dir, 'u');
    await waitForServicePid(dir);
  });

  it('a second supervise-scan on the same SCANDIR exits 111 naming the holder', async () => {
    const scanDir = makeScanDir(['one']);
    const scan = startScan(scanDir);
    await waitForServicePid(join(scanDir, 'one', 'supervise'));
    const second = await runCommand(SUPERVISE_SCAN_BIN, [scanDir]);
    expect(second.code).toBe(111);
    expect(second.stderr).toBe(`supervise-scan: unable to lock ${join(scanDir, '.supervise-scan.lock')}: held by supervise pid ${scan.pid}\n`);
  });

  it('skips with a WARNING a directory whose lock a per-service supervise holds, and takes it at the next rescan once free', async () => {
    const scanDir = makeScanDir(['free', 'taken']);
    const taken = join(scanDir, 'taken', 'supervise');
    const own = await startSupervised([FOREVER], { dir: taken });
    const scan = startScan(scanDir);
    await waitForServicePid(join(scanDir, 'free', 'supervise'));
    await waitForScanLine(scan, /\[WARNING\] .* service taken skipped: unable to lock .*taken\/supervise\/lock: held by supervise pid \d+/);
    expect(scan.stderr()).toContain(`held by supervise pid ${own.daemonPid}`);
    expect(readStatus(taken).pid).toBe(own.servicePid);

    const stop = await runCommand(SUPERVISECTL_BIN, ['stop', '--wait', taken]);
    expect(stop.code, stop.stderr).toBe(0);
    const exit = await runCommand(SUPERVISECTL_BIN, ['exit', '--wait', taken]);
    expect(exit.code, exit.stderr).toBe(0);
    process.kill(scan.pid, 'SIGHUP');
    await waitFor(() => readStatusJson(taken).supervisePid === scan.pid && readStatus(taken).pid !== 0, { what: 'the scan supervising taken' });
  });

  it('starts a directory added to SCANDIR, and stops and releases one removed, without polling', async () => {
    const scanDir = makeScanDir(['stays']);
    const scan = startScan(scanDir);
    await waitForServicePid(join(scanDir, 'stays', 'supervise'));

    // Made outside and moved in whole, as a deploy does; then one made in place, run written last.
    const staged = join(scanDir, '..', 'staged');
    writeScript(join(staged, 'run'), 'exec sleep 100000');
    renameSync(staged, join(scanDir, 'moved'));
    writeScript(join(scanDir, 'made', 'run'), 'exec sleep 100000');
    const moved = await waitForServicePid(join(scanDir, 'moved', 'supervise'));
    await waitForServicePid(join(scanDir, 'made', 'supervise'));

    // Moved out, as svscan users remove a service (rm -rf would race with the service's last status and log writes).
    const gone = join(scanDir, '..', 'gone');
    renameSync(join(scanDir, 'moved'), gone);
    await waitForScanLine(scan, /service moved removed: stopped and released/);
    expect(isAlive(moved)).toBe(false);
    expect(readdirSync(scanDir).sort()).toEqual(['.supervise-scan.lock', 'made', 'stays']);
    const released = await runCommand('flock', ['-n', join(gone, 'supervise', 'lock'), 'true']);
    expect(released.code).toBe(0);
    expect(readStatus(join(gone, 'supervise')).pid).toBe(0);

    // run gone: the service is stopped too, its directory left in place.
    const made = readStatus(join(scanDir, 'made', 'supervise')).pid;
    rmSync(join(scanDir, 'made', 'run'));
    await waitForScanLine(scan, /service made removed/);
    expect(isAlive(made)).toBe(false);
    const check = await runCommand(SUPERVISECTL_BIN, ['check', join(scanDir, 'made', 'supervise')]);
    expect(check.code).toBe(111);
    expect(readStatus(join(scanDir, 'made', 'supervise')).pid).toBe(0);
  });

  it('r in one control reloads only that service; SIGHUP reloads every service from -F and rescans', async () => {
    const scanDir = makeScanDir(['first', 'second']);
    const conf = join(scanDir, '..', 'scan.conf');
    writeFileSync(conf, '[global]\nstop_timeout : 3\n');
    const scan = startScan(scanDir, ['-F', conf]);
    const first = join(scanDir, 'first', 'supervise');
    const second = join(scanDir, 'second', 'supervise');
    await waitForServicePid(first);
    await waitForServicePid(second);
    await waitForLog(first, `config ${conf}: `);

    writeFileSync(conf, '[global]\nstop_timeout : 4\n[second]\nmax_tries : 7\n');
    writeControl(first, 'r');
    await waitForLog(first, /config .* reloaded: .*stop_timeout = 4/);
    expect(readFileSync(join(second, 'supervise.log'), 'utf8')).not.toContain('reloaded');

    process.kill(scan.pid, 'SIGHUP');
    await waitForLog(second, /config .* reloaded: .*max_tries = 7/);
    await waitForLog(first, /reloaded[^\n]*\n[^]*reloaded/);
    await waitForScanLine(scan, /SIGHUP received/);
  });

  it('on SIGTERM stops every service as by d, writes pid 0, releases the locks and exits 0', async () => {
    const scanDir = makeScanDir(['a', 'b', 'c']);
    const scan = startScan(scanDir);
    const pids = await Promise.all(['a', 'b', 'c'].map((name) => waitForServicePid(join(scanDir, name, 'supervise'))));
    process.kill(scan.pid, 'SIGTERM');
    expect(await scan.exited).toEqual({ code: 0, signal: null });
    for (const [index, name] of ['a', 'b', 'c'].entries()) {
      const dir = join(scanDir, name, 'supervise');
      expect(isAlive(pids[index]), name).toBe(false);
      expect(readStatus(dir).pid, name).toBe(0);
      expect((await runCommand('flock', ['-n', join(dir, 'lock'), 'true'])).code, name).toBe(0);
      await waitForLog(dir, 'SIGTERM');
    }
  });

  it('after a SIGKILL of the scan, the next scan stops what each service left before starting it again', async () => {
    const scanDir = join(makeTempDir(), 'service');
    writeScript(join(scanDir, 'tree', 'run'), 'sleep 100000 &\nexec sleep 100000');
    const first = startScan(scanDir);
    const dir = join(scanDir, 'tree', 'supervise');
    const oldPid = await waitForServicePid(dir);
    const oldChild = await waitFor(() => Number(readFileSync(`/proc/${oldPid}/task/${oldPid}/children`, 'utf8').trim().split(' ')[0]) || undefined, {
      what: 'the backgrounded sleep',
    });
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    expect(isAlive(oldPid)).toBe(true);

    startScan(scanDir);
    const newPid = await waitForServicePid(dir, oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect(isAlive(oldChild)).toBe(false);
    expect(newPid).not.toBe(oldPid);
  });
});
