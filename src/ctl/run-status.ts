// `supervisectl status [--json] DIR...`
import { resolve } from 'node:path';
import type { CtlContext } from './ctl-context.js';
import { reportFailure, NOT_RUNNING, SUCCEEDED, type DirOutcome } from './dir-outcome.js';
import { formatStatusLine } from './format-status-line.js';
import { readServiceState, type ServiceState } from './read-service-state.js';

type StatusObject = Record<string, unknown> & { statusDir: string; supervised: boolean };

/** status.json for a running supervise; the 20 bytes stand in if it cannot be read. */
function statusObjectOf(dir: string, state: ServiceState): StatusObject {
  if (!state.running) return { statusDir: resolve(dir), supervised: false };
  if (state.json !== null) return { ...state.json, processes: [...(state.processes ?? [])], supervised: true };
  const { status } = state;
  return {
    statusDir: resolve(dir),
    supervised: true,
    pid: status.pid,
    state: status.pid === 0 ? 'down' : 'up',
    since: new Date(status.seconds * 1000 + Math.floor(status.nanoseconds / 1e6)).toISOString(),
    want: status.want,
    paused: status.paused,
    alarms: status.alarmsOn ? 'on' : 'off',
  };
}

export function runStatus(dirs: readonly string[], json: boolean, context: CtlContext): DirOutcome[] {
  const outcomes: DirOutcome[] = [];
  const objects: StatusObject[] = [];
  for (const dir of dirs) {
    try {
      const state = readServiceState(dir, { withJson: json, withProcesses: json });
      if (json) objects.push(statusObjectOf(dir, state));
      else context.writeOut(`${formatStatusLine(dir, state, context.now())}\n`);
      outcomes.push(state.running ? SUCCEEDED : NOT_RUNNING);
    } catch (error) {
      outcomes.push(reportFailure(error, context));
    }
  }
  if (json) context.writeOut(`${JSON.stringify(objects, null, 2)}\n`);
  return outcomes;
}
