// The daemon half of supervise: started by bin/supervise in its own session
// with the locked `lock` as fd 3 and the hand-off socket as fd 4.
// First: no inspector, whatever signal or environment we were given.
import '../io/refuse-inspector.js';
import { EXIT_LOCK } from '../core/exit-codes.js';
import { runDaemon, type DaemonPayload } from '../daemon/run-daemon.js';
import { HANDOFF_FD, LOCK_FD, openHandoff } from '../io/daemon-handoff.js';
import { setSuperviseTitle } from '../io/process-title.js';

// The foreground supervise passes its own arguments, for ps to show.
setSuperviseTitle(process.argv.slice(2));
const handoff = openHandoff();
try {
  const payload = (await handoff.receive()) as DaemonPayload;
  runDaemon(payload, { lockFd: LOCK_FD, report: handoff.report, inherited: [HANDOFF_FD] });
} catch (error) {
  handoff.report({ ok: false, exitCode: EXIT_LOCK, message: `unable to start the daemon: ${(error as Error).message}` });
  process.exitCode = EXIT_LOCK;
}
