// What serve's routes show of each service, read from its status directory
// on every request (serve keeps no state): the objects of
// `supervisectl status --json`, the tails of __stdout and __stderr, and the
// sources of /metrics.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricsSource } from '../codec/prometheus-metrics.js';
import type { CtlContext } from '../ctl/ctl-context.js';
import { readServiceState } from '../ctl/read-service-state.js';
import { runStatus } from '../ctl/run-status.js';
import { readLastLines } from '../io/read-file-tail.js';
import type { ServedService } from './list-services.js';

type StatusObject = Record<string, unknown>;

/** A byte budget per tail: one service printing 1 GB lines must not make the page slow. */
const TAIL_MAX_BYTES = 16 * 1024;

/**
 * Exactly what `status --json` prints for the directory (whatever fields it
 * gains), with `module` set to the name POST addresses it by, also for a
 * directory whose supervise is not running, so every row can be named.
 */
export function readStatusObject(service: ServedService, complain: (message: string) => void): StatusObject | null {
  let printed = '';
  const context: CtlContext = {
    writeOut: (data) => (printed += typeof data === 'string' ? data : Buffer.from(data).toString('utf8')),
    writeErr: (text) => complain(text.trimEnd()),
    complain,
    now: Date.now,
    signal: new AbortController().signal,
  };
  runStatus([service.dir], true, context);
  const [object] = JSON.parse(printed === '' ? '[]' : printed) as StatusObject[];
  if (object === undefined) return null;
  const named: StatusObject = { module: service.module, ...object };
  named.module = service.module;
  return named;
}

/** The last `lines` lines of `__stdout` or `__stderr`, '' when there is none. */
export function readOutputTail(dir: string, stream: 'stdout' | 'stderr', lines: number): string {
  let fd: number;
  try {
    fd = openSync(join(dir, `__${stream}`), 'r');
  } catch {
    return '';
  }
  try {
    return readLastLines(fd, fstatSync(fd).size, lines, TAIL_MAX_BYTES).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function readMetricsSource(service: ServedService): MetricsSource {
  const state = readServiceState(service.dir, { withJson: true });
  return { dir: service.dir, supervised: state.running, status: state.json };
}
