// What the previous supervise left in `status`: a service still running there
// (its supervise was killed with SIGKILL) must be stopped before the first
// start, so two copies never run. This reads `status`, status.json and /proc;
// core/orphan-service.ts judges, and the machine's `reclaiming` phase stops it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus } from '../codec/status-codec.js';
import { STATUS_JSON_FILE } from '../codec/status-json.js';
import { judgeRecordedService, type RecordedService, type ServiceCommand } from '../core/orphan-service.js';
import type { PreviousService } from '../core/supervisor-machine.js';
import { readProcProcess } from './proc-process.js';

export function findPreviousService(dir: string, command: ServiceCommand): PreviousService {
  const recorded = readRecordedService(dir);
  const observed = recorded && recorded.pid !== 0 ? readProcProcess(recorded.pid) : null;
  const verdict = judgeRecordedService(recorded, observed, command, [process.pid, process.ppid]);
  if (verdict.kind === 'orphan' && observed !== null) {
    return { kind: 'orphan', pid: verdict.pid, argv: observed.argv, startTicks: observed.startTicks };
  }
  return verdict.kind === 'orphan' ? { kind: 'gone', pid: verdict.pid } : verdict;
}

/** `status` and the supervise pid of `status.json`; null when there is no readable status. */
function readRecordedService(dir: string): RecordedService | null {
  let status;
  try {
    status = decodeStatus(readFileSync(join(dir, 'status')));
  } catch {
    return null;
  }
  let supervisePid: number | null = null;
  try {
    const json = JSON.parse(readFileSync(join(dir, STATUS_JSON_FILE), 'utf8')) as { supervisePid?: unknown };
    if (Number.isSafeInteger(json.supervisePid)) supervisePid = json.supervisePid as number;
  } catch {
    // status.json is ours alone; without it the command line must match.
  }
  return { pid: status.pid, startedAtMs: status.seconds * 1000 + status.nanoseconds / 1e6, supervisePid };
}
