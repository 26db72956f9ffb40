// The service's processes as supervisectl sees them (SPEC sections 10, 11):
// every process of the session status.json names, supervise itself not
// counted. Read live, at each look; status.json holds only the session.
import type { StatusJson } from '../codec/status-json.js';
import { listSessionProcesses } from '../io/session-processes.js';

/** The pids of the service's processes now; null when status.json cannot say which session is the service's. */
export function readServiceProcesses(json: Pick<StatusJson, 'supervisePid' | 'session'> | null): number[] | null {
  if (json === null || !Number.isSafeInteger(json.supervisePid)) return null;
  const session = json.session ?? json.supervisePid;
  if (!Number.isSafeInteger(session) || session <= 1) return null;
  return listSessionProcesses(session, [json.supervisePid, process.pid]).map((member) => member.pid);
}
