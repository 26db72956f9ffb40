// Runs one parsed supervisectl command line and returns its exit status
// (SPEC section 10). Usage errors are thrown as CtlError for src/bin to map.
import { LETTER_BY_COMMAND } from '../codec/control-codec.js';
import { EXIT_SUCCESS } from '../core/exit-codes.js';
import { assertStatusDir } from './check-status-dir.js';
import { encodeControlAction, waitTargetOf } from './control-actions.js';
import type { CtlCommand } from './ctl-command.js';
import type { CtlContext } from './ctl-context.js';
import { exitCodeOf, type DirOutcome } from './dir-outcome.js';
import { runCheck } from './run-check.js';
import { runControl } from './run-control.js';
import { runLogs } from './run-logs.js';
import { runMetrics } from './run-metrics.js';
import { runStatus } from './run-status.js';

async function runVerb(options: Exclude<CtlCommand, { verb: 'help' }>, context: CtlContext): Promise<DirOutcome[]> {
  switch (options.verb) {
    case 'status':
      return runStatus(options.dirs, options.json, context);
    case 'control':
      return runControl(
        options.dirs,
        { letters: encodeControlAction(options.action), target: waitTargetOf(options.action), waitSeconds: options.waitSeconds },
        context,
      );
    case 'alarm':
      return runControl(
        options.dirs,
        { letters: LETTER_BY_COMMAND[options.alarmsOn ? 'unsilence' : 'silence'], target: 'none', waitSeconds: null },
        context,
      );
    case 'reload':
      return runControl(options.dirs, { letters: LETTER_BY_COMMAND.reload, target: 'none', waitSeconds: null }, context);
    case 'check':
      return runCheck(options.dirs, context);
    case 'logs':
      return runLogs(options.dir, options, context);
    case 'metrics':
      return runMetrics(options.dirs, context);
    case 'serve': {
      // Loaded on demand: the page and node:http are no cost to the other verbs.
      const { runServe } = await import('../serve/run-serve.js');
      return runServe(options, context);
    }
  }
}

export async function runSupervisectl(options: CtlCommand, context: CtlContext): Promise<number> {
  if (options.verb === 'help') {
    context.writeOut(`${options.text}\n`);
    return EXIT_SUCCESS;
  }
  // Every DIR is checked before anything is written, so a typo in the third
  // of three directories does not leave the first two half-done.
  // serve checks its own: a DIR there may also be a supervise-scan SCANDIR.
  if (options.verb !== 'serve') for (const dir of options.verb === 'logs' ? [options.dir] : options.dirs) assertStatusDir(dir);
  return exitCodeOf(await runVerb(options, context));
}
