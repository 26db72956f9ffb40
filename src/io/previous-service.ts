// What the previous supervise left in `status`: a service still running there
// (its supervise was killed with SIGKILL) must be stopped before the first
// start, so two copies never run. This reads `status`, status.json and /proc;
// core/orphan-service.ts judges, and the machine's `reclaiming` phase stops it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus } from '../codec/status-codec.js';
import { STATUS_JSON_FILE } from '../codec/status-json.js';
import { judgeRecordedService, selectLeftovers, type RecordedService, type RecordedSession, type ServiceCommand } from '../core/orphan-service.js';
import type { PreviousService, ProcessRef } from '../core/supervisor-machine.js';
import { readProcStat, readProcProcess, ticksToUnixMs } from './proc-process.js';
import { listSessionProcesses } from './session-processes.js';

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

/**
 * Every process of the session the dead supervise's service ran in that
 * started after that supervise (core/orphan-service.ts judges), from
 * status.json alone: it is written before anything starts, so a supervise
 * killed between a spawn and its status write still left its session's id.
 */
export function findPreviousLeftovers(dir: string): ProcessRef[] {
  const recorded = readRecordedSession(dir);
  if (recorded === null) return [];
  const ownPids = [process.pid, process.ppid];
  const members = listSessionProcesses(recorded.session, ownPids).map((member) => ({ ...member, startedAtMs: ticksToUnixMs(member.startTicks) }));
  const leaderStat = readProcStat(recorded.session);
  const leader =
    leaderStat === null || leaderStat.state === 'Z'
      ? null
      : { pid: recorded.session, startTicks: leaderStat.startTicks, startedAtMs: ticksToUnixMs(leaderStat.startTicks) };
  return selectLeftovers(members, recorded, leader, ownPids).map(({ pid, startTicks }) => ({ pid, startTicks }));
}

function readRecordedSession(dir: string): RecordedSession | null {
  let json: { supervisePid?: unknown; superviseStartedAt?: unknown; session?: unknown };
  try {
    json = JSON.parse(readFileSync(join(dir, STATUS_JSON_FILE), 'utf8')) as typeof json;
  } catch {
    return null;
  }
  const supervisePid = json.supervisePid;
  const startedAtMs = typeof json.superviseStartedAt === 'string' ? Date.parse(json.superviseStartedAt) : NaN;
  if (!Number.isSafeInteger(supervisePid) || (supervisePid as number) <= 1 || Number.isNaN(startedAtMs)) return null;
  const session = Number.isSafeInteger(json.session) && (json.session as number) > 1 ? (json.session as number) : (supervisePid as number);
  return { supervisePid: supervisePid as number, superviseStartedAtMs: startedAtMs, session };
}
