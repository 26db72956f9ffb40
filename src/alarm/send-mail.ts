// Sends one alarm mail to all its recipients through sendmail or an SMTP server (SPEC section 5).
// nodemailer is imported on first use: the daemon must not load it at start-up, and the
// bundler puts it in a chunk of its own.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { maskCredentials } from '../config/mask-credentials.js';
import { trustedCas } from '../io/extra-ca-certs.js';
import { runSendmail } from './run-sendmail.js';

export interface OutgoingMail {
  /** `sendmail`, or an `smtp://host:port` / `smtps://host:port` URL (credentials allowed). */
  transport: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SendMailOptions {
  /** Where to look for sendmail, in order; defaults to `listSendmailCandidates()`. */
  sendmailPaths?: readonly string[];
}

/** Who the message went to, as the transport reports it: the "sent" log line names only these. */
export interface MailReceipt {
  /** Recipients the SMTP server accepted, or that were handed to sendmail. */
  accepted: string[];
  /** Recipients the SMTP server refused while taking the message for the others. */
  rejected: string[];
}

/** An error of sendMail: `code` is nodemailer's (ETIMEDOUT, ECONNECTION, ESENDMAIL...) or our own. */
export interface SendMailError extends Error {
  code?: string;
}

/** SPEC section 7: `mail_from` defaults to supervise@HOST. */
export function defaultMailFrom(host: string): string {
  return `supervise@${host}`;
}

/** The standard places first, then every directory of PATH. */
export function listSendmailCandidates(pathEnv: string = process.env.PATH ?? ''): string[] {
  const onPath = pathEnv
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'sendmail'));
  return [...new Set(['/usr/sbin/sendmail', '/usr/lib/sendmail', ...onPath])];
}

/** The first candidate that is an executable regular file, or null. */
export function findSendmail(candidates: readonly string[]): string | null {
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // missing or not executable: try the next one
    }
  }
  return null;
}

/**
 * Resolves with the receipt once the message was handed over (SMTP server accepted it, sendmail exited 0).
 * Everything is bounded by timeoutMs: connecting, the greeting, each socket read and, above
 * them, one overall timer; nothing is left running or referenced when the promise settles.
 */
export async function sendMail(message: OutgoingMail, timeoutMs = 30_000, options: SendMailOptions = {}): Promise<MailReceipt> {
  const via = describeTransport(message.transport);
  if (message.to.length === 0) throw mailError(`unable to send mail via ${via}: no recipients`, 'ENORECIPIENTS');

  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = mailError(`unable to send mail via ${via}: no answer within ${timeoutMs} ms (timed out)`, 'ETIMEDOUT');
      abort.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([deliver(message, via, timeoutMs, abort.signal, options), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function deliver(
  message: OutgoingMail,
  via: string,
  timeoutMs: number,
  signal: AbortSignal,
  options: SendMailOptions,
): Promise<MailReceipt> {
  const mail = { from: message.from, to: message.to, subject: message.subject, text: message.text, signal };

  if (message.transport === 'sendmail') {
    const candidates = options.sendmailPaths ?? listSendmailCandidates();
    const path = findSendmail(candidates);
    if (path === null) {
      throw mailError(`unable to send mail: no sendmail program found (looked in ${candidates.join(', ')})`, 'ENOSENDMAIL');
    }
    // nodemailer composes the message exactly as its sendmail transport would; runSendmail
    // hands it over, with a child the abort can kill (see run-sendmail.ts).
    const { createTransport } = await import('nodemailer');
    const composer = createTransport({ streamTransport: true, buffer: true });
    try {
      const { envelope, message: bytes } = await composer.sendMail(mail);
      await runSendmail(path, envelope, bytes as Buffer, signal);
      return { accepted: envelope.to, rejected: [] };
    } catch (error) {
      throw wrapError(error, `sendmail ${path}`, timeoutMs);
    } finally {
      composer.close();
    }
  }

  if (!/^smtps?:\/\//i.test(message.transport)) {
    throw mailError(
      `unable to send mail via ${via}: unsupported mail transport (expected sendmail, smtp://HOST:PORT or smtps://HOST:PORT)`,
      'ECONFIG',
    );
  }
  const { createTransport } = await import('nodemailer');
  const transporter = createTransport({
    url: message.transport,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // After QUIT, a server that never closes its side would hold the socket this long.
    socketCloseTimeout: Math.min(timeoutMs, 2_000),
    ...(await trustOptions()),
  });
  try {
    return receiptOf(await transporter.sendMail(mail));
  } catch (error) {
    throw wrapError(error, via, timeoutMs);
  } finally {
    transporter.close();
  }
}

/**
 * SMTP reports the recipients it accepted and those it rejected.
 * An entry nodemailer could not read as an address is in neither list.
 */
function receiptOf(info: { accepted?: unknown[]; rejected?: unknown[] }): MailReceipt {
  const addresses = (list: unknown[]): string[] => list.map((item) => (typeof item === 'string' ? item : (item as { address: string }).address));
  return {
    accepted: addresses(info.accepted ?? []),
    rejected: addresses(info.rejected ?? []),
  };
}

function wrapError(error: unknown, via: string, timeoutMs: number): SendMailError {
  const cause = error as SendMailError;
  // The overall timer aborted the send: its own error says what happened.
  if (cause.name === 'AbortError' && cause.cause instanceof Error) return cause.cause;
  // nodemailer's messages may echo the transport URL.
  const reason = maskCredentials(singleLine(cause.message ?? String(error)));
  const timedOut = cause.code === 'ETIMEDOUT' ? ` (timed out after ${timeoutMs} ms)` : '';
  return mailError(`unable to send mail via ${via}: ${reason}${timedOut}`, cause.code, error);
}

function mailError(message: string, code?: string, cause?: unknown): SendMailError {
  const error: SendMailError = new Error(message, cause === undefined ? undefined : { cause });
  if (code !== undefined) error.code = code;
  return error;
}

/** The transport for messages and logs, without its credentials, however malformed it is. */
function describeTransport(transport: string): string {
  return maskCredentials(singleLine(transport));
}

// Server replies can span lines; log lines must not.
function singleLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Node's CAs and those NODE_EXTRA_CA_CERTS names (src/io/extra-ca-certs.ts); nodemailer's defaults when there are none. */
async function trustOptions(): Promise<{ tls?: { ca: string[] } }> {
  const ca = await trustedCas();
  return ca === null ? {} : { tls: { ca } };
}
