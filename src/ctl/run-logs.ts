// `supervisectl logs [-f] [-n LINES] [--stderr|--stdout] DIR`: the last lines
// of the service's __stdout or __stderr, then, with -f, whatever follows.
import { closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CtlContext } from './ctl-context.js';
import { reportFailure, SUCCEEDED, type DirOutcome } from './dir-outcome.js';
import { followLog, openLogOrNull } from './follow-log.js';
import { readLastLines } from '../io/read-file-tail.js';

export interface LogsRequest {
  readonly stream: 'stdout' | 'stderr';
  readonly lines: number;
  readonly follow: boolean;
}

async function printLog(dir: string, request: LogsRequest, context: CtlContext): Promise<void> {
  const path = join(dir, request.stream === 'stderr' ? '__stderr' : '__stdout');
  const fd = openLogOrNull(path);
  let position = 0;
  let handedOver = false;
  try {
    if (fd !== null) {
      position = fstatSync(fd).size;
      const tail = readLastLines(fd, position, request.lines);
      if (tail.length > 0) context.writeOut(tail);
    }
    if (request.follow) {
      // followLog owns the descriptor from here on and closes it.
      handedOver = true;
      await followLog({ path, fd, position, write: context.writeOut, signal: context.signal });
    }
  } finally {
    if (fd !== null && !handedOver) closeSync(fd);
  }
}

export async function runLogs(dir: string, request: LogsRequest, context: CtlContext): Promise<DirOutcome[]> {
  try {
    await printLog(dir, request, context);
    return [SUCCEEDED];
  } catch (error) {
    return [reportFailure(error, context)];
  }
}
