// Text supervise does not control (commands, paths, config lines, module
// names, mail errors, the service's stderr) goes into log lines and alarm
// mails. A raw newline there would let it forge a log line or a mail header
// that scripts and grep trust, and ESC or C1 bytes could drive the terminal
// of whoever runs `tail`; so every control character, and the two Unicode
// line separators some readers split on, becomes visible text.
// Backslashes are left alone on purpose: the aim is unforgeable line
// boundaries, not a reversible encoding, and doubling the backslashes of
// paths and commands would only make the text harder to read.

// C0 controls, DEL, C1 controls (NEL among them) and the Unicode line and paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// The same without the tab, which is harmless inside a line (Java stack traces in __stderr).
const CONTROL_CHARACTERS_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` on one line, every control character as `\n`, `\t`, `\x1b` or `\u2028`. */
export function escapeControlCharacters(text: string, options: { keepTabs?: boolean } = {}): string {
  return text.replace(options.keepTabs === true ? CONTROL_CHARACTERS_BUT_TAB : CONTROL_CHARACTERS, escapeCharacter);
}
