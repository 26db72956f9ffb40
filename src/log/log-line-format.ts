// One line of supervise.log / supervise.log.wf (SPEC section 8), byte-compatible
// with the original: `[NOTICE] 2026-11-21 15:51:21 service NAME started, pid 1234`.

export type LogLevel = 'notice' | 'warning' | 'fatal';

/** Every level, most severe first; winston wants each mapped to a priority number. */
export const LOG_LEVEL_PRIORITIES: Readonly<Record<LogLevel, number>> = { fatal: 0, warning: 1, notice: 2 };

// Messages carry text supervise does not control (commands, paths, config
// lines, mail errors). A raw newline there would let that text forge a log
// line that scripts and grep trust, and ESC or C1 bytes could drive the
// terminal of whoever runs `tail`; so every control character, and the two
// Unicode line separators some readers split on, becomes visible text.
// Backslashes are left alone on purpose: the aim is unforgeable line
// boundaries, not a reversible encoding, and doubling the backslashes of
// paths and commands would only make the log harder to read.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeLogMessage(message: string): string {
  return message.replace(CONTROL_CHARACTERS, (character) => {
    const named = NAMED_ESCAPES[character];
    if (named !== undefined) return named;
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `YYYY-MM-DD HH:MM:SS` in local time, as the original's strftime("%Y-%m-%d %H:%M:%S"). */
export function formatLogTime(at: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(at.getFullYear(), 4)}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

export function formatLogLine(level: LogLevel, message: string, at: Date): string {
  return `[${level.toUpperCase()}] ${formatLogTime(at)} ${escapeLogMessage(message)}\n`;
}
