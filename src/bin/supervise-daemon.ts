// The daemon half of supervise: started by bin/supervise in its own session,
// stdio on /dev/null, with the path of the hand-off socket as its first
// argument. It takes the lock itself, so the lock's descriptor is
// close-on-exec like every one Node opens, and the service never inherits it.
// First: no inspector, whatever signal or environment we were given.
import '../io/refuse-inspector.js';
import { join } from 'node:path';
import { EXIT_LOCK } from '../core/exit-codes.js';
import { SuperviseError } from '../core/supervise-error.js';
import { runDaemon, type DaemonPayload } from '../daemon/run-daemon.js';
import { openHandoff } from '../io/daemon-handoff.js';
import { acquireLock } from '../io/lock-file.js';
import { setSuperviseTitle } from '../io/process-title.js';

// The foreground supervise passes its own arguments after the socket's path, for ps to show.
const [handoffPath, ...shownArgs] = process.argv.slice(2);
setSuperviseTitle(shownArgs);
const handoff = openHandoff(handoffPath);
try {
  const payload = (await handoff.receive()) as DaemonPayload;
  const lockFd = acquireLock(join(payload.options.statusDir, 'lock'));
  runDaemon(payload, { lockFd, report: handoff.report });
} catch (error) {
  if (error instanceof SuperviseError) {
    handoff.report({ ok: false, exitCode: error.exitCode, message: error.message });
    process.exitCode = error.exitCode;
  } else {
    handoff.report({ ok: false, exitCode: EXIT_LOCK, message: `unable to start the daemon: ${(error as Error).message}` });
    process.exitCode = EXIT_LOCK;
  }
}
