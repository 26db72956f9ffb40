// Before its first start, supervise looks at what the previous supervise left
// in `status`: a service still running there (its supervise was killed with
// SIGKILL) is stopped first, TERM then KILL, so two copies never run. The
// decision is src/core/orphan-service.ts; /proc is read by src/io/proc-process.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatus } from '../codec/status-codec.js';
import {
  ORPHAN_KILL_WAIT_MS,
  judgeRecordedService,
  orphanKillDelayMs,
  type RecordedService,
  type ServiceCommand,
} from '../core/orphan-service.js';
import { isSameProcessRunning, readProcProcess } from '../io/proc-process.js';
import { signalService } from '../io/service-process.js';
import type { SupervisorLogger } from '../supervisor.js';

/** A process that is not our child cannot be waited for; /proc is looked at this often meanwhile. */
const POLL_INTERVAL_MS = 25;

export interface ReclaimOptions {
  dir: string;
  name: string;
  command: ServiceCommand;
  stopTimeoutSeconds: number;
  logger: SupervisorLogger;
}

/**
 * Calls `done(null)` once no service of a previous supervise runs any more
 * (at once when there is none), or `done(reason)` when one survived KILL.
 */
export function reclaimOrphanService(options: ReclaimOptions, done: (failure: string | null) => void): void {
  const { name, logger } = options;
  const recorded = readRecordedService(options.dir);
  const observed = recorded && recorded.pid !== 0 ? readProcProcess(recorded.pid) : null;
  const verdict = judgeRecordedService(recorded, observed, options.command, [process.pid, process.ppid]);
  switch (verdict.kind) {
    case 'none':
      done(null);
      return;
    case 'gone':
      logger.notice(`status names pid ${verdict.pid} from a previous supervise; it no longer runs`);
      done(null);
      return;
    case 'unrelated':
      logger.notice(`status names pid ${verdict.pid} from a previous supervise, left alone: ${verdict.reason}`);
      done(null);
      return;
    case 'orphan':
      break;
  }
  const { pid } = verdict;
  const startTicks = (observed as { startTicks: number }).startTicks;
  const killDelayMs = orphanKillDelayMs(options.stopTimeoutSeconds);
  logger.warning(
    `service ${name} pid ${pid}, started by a previous supervise, still runs ${JSON.stringify(observed?.argv)}; ` +
      `stopping it (TERM, KILL after ${killDelayMs / 1000} s) before starting a fresh one`,
  );
  const stoppedAt = Date.now();
  let killedAt: number | null = null;
  sendSignal(pid, 'SIGTERM', logger);
  // A paused (p) service would not act on TERM until continued, as with `d`.
  sendSignal(pid, 'SIGCONT', logger);
  const poll = setInterval(() => {
    if (!isSameProcessRunning(pid, startTicks)) {
      clearInterval(poll);
      const how = killedAt === null ? 'TERM' : 'KILL';
      logger.notice(`old service ${name} pid ${pid} gone after ${how}, ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
      done(null);
      return;
    }
    const now = Date.now();
    if (killedAt === null && now - stoppedAt >= killDelayMs) {
      logger.warning(`old service ${name} pid ${pid} still running ${killDelayMs / 1000} s after TERM, sending KILL`);
      sendSignal(pid, 'SIGKILL', logger);
      killedAt = now;
    } else if (killedAt !== null && now - killedAt >= ORPHAN_KILL_WAIT_MS) {
      clearInterval(poll);
      done(`unable to stop old service ${name} pid ${pid}: still running ${ORPHAN_KILL_WAIT_MS / 1000} s after KILL`);
    }
  }, POLL_INTERVAL_MS);
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
    const json = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { supervisePid?: unknown };
    if (Number.isSafeInteger(json.supervisePid)) supervisePid = json.supervisePid as number;
  } catch {
    // status.json is ours alone; without it the command line must match.
  }
  return { pid: status.pid, startedAtMs: status.seconds * 1000 + status.nanoseconds / 1e6, supervisePid };
}

function sendSignal(pid: number, signal: 'SIGTERM' | 'SIGCONT' | 'SIGKILL', logger: SupervisorLogger): void {
  try {
    signalService(pid, signal);
  } catch (error) {
    logger.warning(`unable to send ${signal} to pid ${pid}: ${(error as Error).message}`);
  }
}
