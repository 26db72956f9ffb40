// SPEC section 8 end to end: the daemon's log lines, rotation at the size limit
// (lowered with SUPERVISE_LOG_MAX_BYTES) and re-creation after rm or mv.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FOREVER, countLogLines, readLog, readStatus, startSupervised, writeControl } from '../../helpers/supervise-process.js';

const LINE = /^\[(NOTICE|WARNING|FATAL)\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S/;

describe('supervise.log and supervise.log.wf', () => {
  it('hold NOTICE lines and WARNING lines in the SPEC format', async () => {
    const { dir, servicePid } = await startSupervised([FOREVER]);
    const notices = readLog(dir).trim().split('\n');
    for (const line of notices) expect(line).toMatch(/^\[NOTICE\] /);
    expect(notices.every((line) => LINE.test(line))).toBe(true);
    expect(readLog(dir)).toContain(`service svc started, pid ${servicePid}`);
    // No supervise.conf in the test's directory: a warning says alarms are off.
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/^\[WARNING\] .*unable to read supervise.conf.*alarms and limits are off/m);
  });

  it('rotates to supervise.log.1 past the size limit and re-creates a removed or renamed file', async () => {
    const { dir } = await startSupervised([FOREVER], { env: { ...process.env, SUPERVISE_LOG_MAX_BYTES: '2000' } });
    // One command a read, each applied before the next is written: a read of many commands is logged in one line.
    for (let round = 0; round < 40; round += 1) {
      const silenced = round % 2 === 0;
      writeControl(dir, silenced ? 's' : 'n');
      await waitFor(() => readStatus(dir).alarmsOn !== silenced || undefined, { what: `alarms ${silenced ? 'off' : 'on'} in status` });
    }
    await waitFor(() => existsSync(join(dir, 'supervise.log.1')) || undefined, { what: 'supervise.log.1' });
    expect(readFileSync(join(dir, 'supervise.log.1'), 'utf8').length).toBeLessThanOrEqual(2000);
    expect(readFileSync(join(dir, 'supervise.log.1'), 'utf8')).toContain('supervise svc started');

    rmSync(join(dir, 'supervise.log'));
    writeControl(dir, 'h');
    await waitFor(() => countLogLines(dir, /control command h/) === 1 || undefined, { what: 'supervise.log re-created' });

    const moved = join(makeTempDir(), 'moved.log');
    renameSync(join(dir, 'supervise.log'), moved);
    writeControl(dir, 'a');
    await waitFor(() => countLogLines(dir, /control command a/) === 1 || undefined, { what: 'supervise.log re-created after mv' });
    expect(readFileSync(moved, 'utf8')).toContain('control command h');
  });
});
