// The one place that keeps mail_transport credentials out of the logs. A
// transport is logged when it is loaded, when it is refused, and when a send
// fails (nodemailer may echo it). Malformed values are the dangerous ones: a
// URL parser does not find the password in `smtp:/alarm:pw@host` (one slash),
// so this works on the text instead, and masks more rather than less.
//
// Rule: in every run of characters without whitespace or quotes, whatever lies
// between the first URL start (`scheme:`, with any slashes after it, or a
// leading `//`) and the last `@` is userinfo, user and password alike, and
// becomes `***`. Percent-encoded `:`, `/` and `@` count as the characters.
// Plain addresses (`ops@example.com`) have no URL start and stay as they are.
// Linear in the text: each run is scanned a bounded number of times.

const RUN = /[^\s"'<>`]+/g;
// The lookbehind keeps a scheme from starting inside a longer one, so each run is tried once.
const URL_START = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*(?::|%3a)(?:\/|\\|%2f)*|(?:^|(?<==))(?:\/|%2f){2}/i;

export const MASKED_USERINFO = '***';

/** The text with the userinfo of anything URL-like in it replaced by `***`. */
export function maskCredentials(text: string): string {
  return text.replace(RUN, maskRun);
}

function maskRun(run: string): string {
  const at = Math.max(run.lastIndexOf('@'), run.toLowerCase().lastIndexOf('%40'));
  if (at < 0) return run;
  const start = URL_START.exec(run.slice(0, at));
  if (start === null) return run;
  return `${run.slice(0, start.index + start[0].length)}${MASKED_USERINFO}${run.slice(at)}`;
}
