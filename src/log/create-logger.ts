// supervise.log (NOTICE) and supervise.log.wf (WARNING, FATAL) of one status
// directory, through winston (SPEC section 8).
//
// Lines must reach the files before the daemon exits. Two documented parts
// give that, and neither leans on how winston's streams are built inside:
// ReopeningFileTransport is a winston-transport subclass whose log() writes
// the line with writeSync before it calls back, so a line is on disk as soon
// as winston hands it over; and close() ends the logger and resolves on its
// 'finish' event, which winston documents as "raised when all logs have
// flushed to all transports", so the daemon awaits close() before it exits.
// (winston 3 happens to hand each line over before log() returns; the tests
// read the files back at once and would notice if that changed, but nothing
// here depends on it.)
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
  /** Resolves once every line logged before it is in the files, which are then closed; later calls are ignored. */
  close(): Promise<void>;
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
  // The transports never emit 'error' (a line that cannot be written is counted
  // and noted later); winston re-emits any, and an unhandled one would throw.
  logger.on('error', () => {});
  const finished = new Promise<void>((resolve) => logger.once('finish', () => resolve()));

  let closed = false;
  // After close, winston has no transports left and would buffer and complain on stderr.
  const logAt = (level: LogLevel) => (message: string): void => {
    if (!closed) logger.log(level, message);
  };
  return {
    notice: logAt('notice'),
    warning: logAt('warning'),
    fatal: logAt('fatal'),
    async close(): Promise<void> {
      if (!closed) {
        closed = true;
        logger.end();
      }
      await finished;
      // winston ends each transport on the way to 'finish'; closing the files does not wait on more.
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
