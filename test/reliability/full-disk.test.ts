// Reliability: log and status writes that fail because the disk is full
// (ENOSPC, on a small tmpfs) or the file size limit is reached (EFBIG, with
// RLIMIT_FSIZE set on the running daemon). Supervision must go on, and
// logging must resume, saying how many lines were lost, once writes work again.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitForLog } from '../helpers/wait-for-log.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  FOREVER,
  isAlive,
  readLog,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  waitForServicePid,
  writeControl,
} from '../helpers/supervise-process.js';


/** Children of `parent` that are running, from /proc. */
function runningChildrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === parent && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });
}

/** k, then the service that replaces `previous`, found through /proc because status may not be writable. */
async function restartService(daemonPid: number, dir: string, previous: number): Promise<number> {
  writeControl(dir, 'k');
  return waitFor(
    () => {
      const children = runningChildrenOf(daemonPid).filter((pid) => pid !== previous);
      return children.length === 1 && !isAlive(previous) ? children[0] : undefined;
    },
    { what: `a service other than ${previous} under supervise ${daemonPid}` },
  );
}

/** Fills the file system holding `path` until a write fails with ENOSPC; `a` appends newlines to a file there. */
function fillDisk(path: string, flags: 'w' | 'a' = 'w'): void {
  const fd = openSync(path, flags);
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x0a);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Mounts a tmpfs of `size`; null when this machine does not let us (not root, no CAP_SYS_ADMIN). */
async function mountSmallTmpfs(size: string): Promise<string | null> {
  const mountPoint = mkdtempSync(join(tmpdir(), 'supervise-tmpfs-'));
  const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', mountPoint]);
  if (mounted.code !== 0) {
    rmSync(mountPoint, { recursive: true, force: true });
    return null;
  }
  return mountPoint;
}

describe('full disk', () => {
  it('keeps supervising on a full tmpfs (ENOSPC) and resumes logging when space returns', async (context) => {
    const mountPoint = await mountSmallTmpfs('1m');
    if (mountPoint === null) context.skip('mount -t tmpfs is not permitted here; the RLIMIT_FSIZE test covers EFBIG');
    const root = mountPoint as string;
    const dir = join(root, 'status', 'svc');
    const { daemonPid, servicePid } = await startSupervised([FOREVER], { dir });
    // Registered after startSupervised's cleanup, but self-sufficient: the
    // daemon's group must be gone before the mount can be released.
    onTestFinished(async () => {
      try {
        process.kill(-daemonPid, 'SIGKILL');
      } catch {
        // already gone
      }
      // Busy until the killed processes have let go of their files there.
      await waitFor(async () => (await runCommand('umount', [root])).code === 0 || undefined, { what: `umount ${root}` });
      rmSync(root, { recursive: true, force: true });
    });

    fillDisk(join(root, 'filler'));
    // The last page of supervise.log may have room for a few lines: fill it
    // with empty lines, so the daemon's next line cannot be written.
    fillDisk(join(dir, 'supervise.log'), 'a');
    // Runs of s and n: a log line (one for the read) and a status write.
    writeControl(dir, `${'sn'.repeat(200)}s`);
    // k comes after the flood and commands apply in order, so its restart shows the flood was read.
    const next = await restartService(daemonPid, dir, servicePid);
    expect(isAlive(daemonPid)).toBe(true);
    // status could not be written: it is stale (old pid, alarms on), and that is all a full disk costs.
    expect(readStatus(dir)).toMatchObject({ pid: servicePid, alarmsOn: true });

    unlinkSync(join(root, 'filler'));
    const fresh = await restartService(daemonPid, dir, next);
    await waitFor(() => readStatus(dir).pid === fresh || undefined, { what: `status naming ${fresh} once space returned` });
    expect(readStatus(dir).alarmsOn).toBe(false);
    // status.json is written just after status.
    await waitFor(() => readStatusJson(dir).pid === fresh || undefined, { what: `status.json naming ${fresh}` });
    await waitForLog(dir, `service svc started, pid ${fresh}`);
    expect(readLog(dir)).toMatch(/\[NOTICE\] .* \d+ log lines lost: unable to write .*supervise\.log: ENOSPC: no space left on device/);
    // The WARNING file resumes too, with the lost status-write warning counted, at its next line.
    await runCommand('rm', [join(dir, 'ok')]);
    await waitForLog(dir, 'ok was removed; re-created it', 'supervise.log.wf');
    // The status-write WARNING went into the slack of supervise.log.wf's last page, or was counted as lost.
    expect(readLog(dir, 'supervise.log.wf')).toMatch(
      /\[WARNING\] .* (unable to write .*\/status: ENOSPC: no space left on device$|\d+ log lines? lost: unable to write .*supervise\.log\.wf: ENOSPC)/m,
    );
  });

  it('keeps supervising under RLIMIT_FSIZE (EFBIG) and resumes logging when the limit is lifted', async () => {
    const { dir, daemonPid, servicePid } = await startSupervised([FOREVER]);
    // Below every log file's size and status.json's, above the 20 bytes of status.
    const limited = await runCommand('prlimit', ['--pid', String(daemonPid), '--fsize=100:unlimited']);
    expect(limited.code, limited.stderr).toBe(0);
    const jsonBefore = readFileSync(join(dir, 'status.json'), 'utf8');

    const next = await restartService(daemonPid, dir, servicePid);
    // The 20-byte status still fits under the limit; status.json does not.
    await waitFor(() => readStatus(dir).pid === next || undefined, { what: `status naming ${next}` });
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).toBe(jsonBefore);
    const logBefore = readLog(dir);
    expect(logBefore).not.toContain(`pid ${next}`);
    expect(isAlive(daemonPid)).toBe(true); // SIGXFSZ did not kill it

    expect((await runCommand('prlimit', ['--pid', String(daemonPid), '--fsize=unlimited:unlimited'])).code).toBe(0);
    const fresh = await restartService(daemonPid, dir, next);
    await waitFor(() => readStatusJson(dir).pid === fresh || undefined, { what: `status.json naming ${fresh}` });
    await waitForLog(dir, `service svc started, pid ${fresh}`);
    expect(readLog(dir)).toMatch(/\[NOTICE\] .* \d+ log lines lost: unable to write .*supervise\.log: EFBIG: file too large/);
    expect(isAlive(await waitForServicePid(dir, next))).toBe(true);
  });
});
