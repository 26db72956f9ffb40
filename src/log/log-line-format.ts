// One line of supervise.log / supervise.log.wf (SPEC section 8), byte-compatible
// with the original: `[NOTICE] 2026-11-21 15:51:21 service NAME started, pid 1234`.
import { escapeControlCharacters } from '../codec/visible-text.js';
import { formatLocalTime } from '../codec/local-time.js';

export type LogLevel = 'notice' | 'warning' | 'fatal';

/** Every level, most severe first; winston wants each mapped to a priority number. */
export const LOG_LEVEL_PRIORITIES: Readonly<Record<LogLevel, number>> = { fatal: 0, warning: 1, notice: 2 };

/** The message escaped (src/codec/visible-text.ts), so that it cannot forge another line. */
export function formatLogLine(level: LogLevel, message: string, at: Date): string {
  return `[${level.toUpperCase()}] ${formatLocalTime(at.getTime())} ${escapeControlCharacters(message)}\n`;
}
