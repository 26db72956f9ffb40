// supervise.log (NOTICE) and supervise.log.wf (WARNING, FATAL) of one status
// directory, through winston (SPEC section 8).
//
// Every call writes its line before returning, so `notice()` followed by
// `process.exit()` keeps the line. winston is a stream pipeline, but each hop
// is synchronous here: Logger is a readable-stream Transform whose constructor
// clears the readable side's `sync` guard, pipe() sets it flowing, so a pushed
// info is emitted as 'data' at once, not on the next tick; the pipe writes it
// to each transport, and ReopeningFileTransport calls back before returning,
// so no write is ever queued behind a pending one. Nothing here may call back
// later (or emit 'error', which winston re-emits and would throw), or lines
// would start to wait in a buffer. The tests read the files back without
// waiting and from a child that exits right after logging, to hold this.
import { join } from 'node:path';
import { createLogger, format } from 'winston';
import { formatLogLine, LOG_LEVEL_PRIORITIES, type LogLevel } from './log-line-format.js';
import { NOTICE_LOG_FILE, readLogMaxBytes, WARNING_LOG_FILE } from './log-files.js';
import { ReopeningFileTransport } from './reopening-file-transport.js';

export { DEFAULT_LOG_MAX_BYTES, LOG_MAX_BYTES_ENV, NOTICE_LOG_FILE, readLogMaxBytes, WARNING_LOG_FILE } from './log-files.js';


export interface SuperviseLoggerOptions {
  /** The status directory; it must exist. A function is asked again at every line. */
  dir: string | (() => string);
  /** Size limit of each file; default from SUPERVISE_LOG_MAX_BYTES, else DEFAULT_LOG_MAX_BYTES. */
  maxBytes?: number;
  now?: () => Date;
}

export interface SuperviseLogger {
  notice(message: string): void;
  warning(message: string): void;
  fatal(message: string): void;
  /** Closes both files; later calls are ignored. */
  close(): void;
}

/**
 * Opens both log files of `dir` (throws LogFileError when either cannot be
 * opened); afterwards logging never throws, whatever happens to the files.
 */
export function createSuperviseLogger(options: SuperviseLoggerOptions): SuperviseLogger {
  const now = options.now ?? (() => new Date());
  const maxBytes = options.maxBytes ?? readLogMaxBytes();
  const { dir } = options;
  const dirOf = typeof dir === 'string' ? () => dir : dir;
  const noticeFile = new ReopeningFileTransport({
    path: () => join(dirOf(), NOTICE_LOG_FILE),
    maxBytes,
    format: keepLevel('notice'),
    formatLostLinesNote: (lost, reason) => formatLogLine('notice', describeLostLines(lost, reason), now()),
  });
  let warningFile: ReopeningFileTransport;
  try {
    warningFile = new ReopeningFileTransport({
      path: () => join(dirOf(), WARNING_LOG_FILE),
      maxBytes,
      // winston levels are thresholds: 'warning' takes warning and the more severe fatal.
      level: 'warning',
      formatLostLinesNote: (lost, reason) => formatLogLine('warning', describeLostLines(lost, reason), now()),
    });
  } catch (error) {
    noticeFile.close();
    throw error;
  }

  const logger = createLogger({
    levels: LOG_LEVEL_PRIORITIES,
    level: 'notice',
    format: formatSuperviseLine(now),
    transports: [noticeFile, warningFile],
  });

  let closed = false;
  // After close, winston has no transports left and would buffer and complain on stderr.
  const logAt = (level: LogLevel) => (message: string): void => {
    if (!closed) logger.log(level, message);
  };
  return {
    notice: logAt('notice'),
    warning: logAt('warning'),
    fatal: logAt('fatal'),
    close(): void {
      if (closed) return;
      closed = true;
      // Unpiping makes winston close each transport; closing them here as well
      // does not depend on that.
      logger.close();
      noticeFile.close();
      warningFile.close();
    },
  };
}

function describeLostLines(lost: number, reason: string): string {
  return `${lost} log ${lost === 1 ? 'line' : 'lines'} lost: ${reason}`;
}

/** winston format: the finished line goes under MESSAGE, where transports read it. */
function formatSuperviseLine(now: () => Date) {
  return format((info) => {
    info[Symbol.for('message')] = formatLogLine(info.level as LogLevel, String(info.message), now());
    return info;
  })();
}

/** winston format that passes one level only (winston's `level` admits every more severe one too). */
function keepLevel(level: LogLevel) {
  return format((info) => (info.level === level ? info : false))();
}
