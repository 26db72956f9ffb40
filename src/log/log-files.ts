// The log files' names and size limit, apart from the logger, so the
// foreground supervise can check them before daemonizing without loading winston.

export const NOTICE_LOG_FILE = 'supervise.log';
export const WARNING_LOG_FILE = 'supervise.log.wf';

/** The original's limit (`st_size > 1800000000`), in decimal bytes: 1.8 GB, not 1.8 GiB. */
export const DEFAULT_LOG_MAX_BYTES = 1_800_000_000;

/** Lowers the size limit without a command-line option, so tests can see rotation happen. */
export const LOG_MAX_BYTES_ENV = 'SUPERVISE_LOG_MAX_BYTES';

/** The size limit SUPERVISE_LOG_MAX_BYTES asks for, or the default when it is unset or empty. */
export function readLogMaxBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env[LOG_MAX_BYTES_ENV];
  if (text === undefined || text === '') return DEFAULT_LOG_MAX_BYTES;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${LOG_MAX_BYTES_ENV} must be a positive integer number of bytes, got ${JSON.stringify(text)}`);
  }
  return value;
}
