// The one time format people read from supervise: log lines (SPEC section 8)
// and alarm mails, as the original's strftime("%Y-%m-%d %H:%M:%S").

/** `YYYY-MM-DD HH:MM:SS` in the process's local time zone; `at` is Unix milliseconds. */
export function formatLocalTime(at: number): string {
  const date = new Date(at);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** `YYYY-MM-DD HH:MM:SS.mmm `: what output_timestamps puts before each line of the service (SPEC section 12). */
export function formatOutputStamp(at: number): string {
  return `${formatLocalTime(at)}.${String(((at % 1000) + 1000) % 1000).padStart(3, '0')} `;
}
