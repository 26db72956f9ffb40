// No service of a supervise-scan can slow another (SPEC section 13): with
// neighbours that flood their control FIFO, flood their output in piped
// mode while crash-looping, crash-loop with alarms to a mail server that
// never answers, and have a broken config section, a quiet service's d, its
// restart after kill -9 and supervisectl's --wait verbs still happen. Only
// that they happen is asserted; how fast goes in the bench.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSilentServer } from '../../helpers/smtp-sink.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { SUPERVISECTL_BIN, isAlive, readStatus, runCommand, waitForServicePid, writeControl } from '../../helpers/supervise-process.js';
import { startScan, writeScript } from '../../helpers/supervise-scan-process.js';
import { waitFor } from '../../helpers/wait-for.js';
import { waitForLog } from '../../helpers/wait-for-log.js';

describe('supervise-scan isolation', () => {
  it("keeps a quiet service's control and restarts working beside a control flood, an output flood in a crash loop, a hung mail server and a broken section", async () => {
    const silent = await startSilentServer();
    const base = makeTempDir();
    const scanDir = join(base, 'service');
    writeScript(join(scanDir, 'quiet', 'run'), 'exec sleep 100000');
    writeScript(join(scanDir, 'hupped', 'run'), "trap '' HUP\nexec sleep 100000");
    writeScript(join(scanDir, 'flooder', 'run'), "head -c 3000000 /dev/zero | tr '\\0' x | fold -w 99\nexit 3");
    writeScript(join(scanDir, 'crasher', 'run'), 'echo dying >&2; exit 1');
    writeScript(join(scanDir, 'broken', 'run'), 'exec sleep 100000');
    const conf = join(base, 'supervise.conf');
    writeFileSync(
      conf,
      [
        '[flooder]',
        'output_max_bytes : 1M',
        'output_backups : 2',
        '[crasher]',
        'alarm_interval : 60',
        'alarm_mail : ops@example.com',
        `mail_transport : ${silent.url}`,
        '[broken]',
        'max_tries : lots',
        'user : no-such-user-here',
        'stop_timeout : -4',
        '',
      ].join('\n'),
    );
    startScan(scanDir, ['-F', conf]);
    const dirOf = (name: string) => join(scanDir, name, 'supervise');
    const quiet = dirOf('quiet');
    let quietPid = await waitForServicePid(quiet);
    const hupped = await waitForServicePid(dirOf('hupped'));
    // The neighbours are at it: a mail connection hangs, the flooder has rotated, the broken section was warned about.
    await waitFor(() => silent.accepted() > 0, { what: 'a connection to the silent mail server' });
    await waitForLog(dirOf('flooder'), /service flooder exited/, 'supervise.log', 20_000);
    await waitForLog(dirOf('broken'), /max_tries/, 'supervise.log.wf');

    for (let round = 0; round < 3; round += 1) {
      // 10,000 h into hupped's control, as the quiet service is worked.
      writeControl(dirOf('hupped'), Buffer.alloc(10_000, 'h'));

      const restart = await runCommand(SUPERVISECTL_BIN, ['restart', '--wait', quiet]);
      expect(restart.code, restart.stderr).toBe(0);
      const restarted = readStatus(quiet).pid;
      expect(restarted).not.toBe(quietPid);

      process.kill(restarted, 'SIGKILL');
      quietPid = await waitForServicePid(quiet, restarted, 10_000);

      const stop = await runCommand(SUPERVISECTL_BIN, ['stop', '--wait', quiet]);
      expect(stop.code, stop.stderr).toBe(0);
      expect(isAlive(quietPid)).toBe(false);
      const start = await runCommand(SUPERVISECTL_BIN, ['start', '--wait', quiet]);
      expect(start.code, start.stderr).toBe(0);
      quietPid = readStatus(quiet).pid;

      // echo d > control as scripts do.
      writeControl(quiet, 'd\n');
      await waitFor(() => readStatus(quiet).pid === 0 && !isAlive(quietPid), { what: 'quiet down after d' });
      writeControl(quiet, 'u\n');
      quietPid = await waitForServicePid(quiet);
    }
    // The flood reached hupped, which is still the same process.
    await waitForLog(dirOf('hupped'), /control command h \(hup\)/);
    expect(readStatus(dirOf('hupped')).pid).toBe(hupped);
    expect(silent.openSockets()).toBeGreaterThan(0);
  }, 120_000);
});
