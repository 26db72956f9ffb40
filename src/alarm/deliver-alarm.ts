// Renders an alarm and sends it by mail and gsm at once, logging each outcome (SPEC section 5).
// Callers fire and forget it: it never rejects, so a failed or slow send can only ever be a
// WARNING, never a crash, a delayed restart or a blocked control FIFO.
// Warnings go through maskCredentials: a failed send names the transport, and
// the transport may hold a password. Notices name only the recipients used.
import { escapeControlCharacters } from '../codec/visible-text.js';
import { isMailAddress } from '../config/mail-address.js';
import { maskCredentials } from '../config/mask-credentials.js';
import { renderAlarm, type AlarmReport, type RenderedAlarm } from './render-alarm.js';
import { alertsUrlOf, buildAlertmanagerAlerts } from './alertmanager-alert.js';
import { sendAlertmanager } from './send-alertmanager.js';
import { SendGsmError, sendGsm } from './send-gsm.js';
import { defaultMailFrom, sendMail, type MailReceipt } from './send-mail.js';

/** Where alarms go: the module's resolved config values. */
export interface AlarmTarget {
  /** `sendmail` or an `smtp://` / `smtps://` URL. */
  mailTransport: string;
  /** null means supervise@HOST. */
  mailFrom: string | null;
  alarmMail: string[];
  gsmCommand: string;
  alarmGsm: string[];
  /** Alertmanager base URL; null or absent sends none. */
  alarmAlertmanager?: string | null;
}

/** The two levels of supervise.log / supervise.log.wf that alarms use. */
export interface AlarmLog {
  notice(message: string): void;
  warning(message: string): void;
}

export function deliverAlarm(
  report: AlarmReport,
  target: AlarmTarget,
  log: AlarmLog,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    return deliver(report, target, log, timeoutMs).catch((error: unknown) =>
      logSafely(log, 'warning', `unable to deliver alarm: ${reasonOf(error)}`),
    );
  } catch (error) {
    logSafely(log, 'warning', `unable to deliver alarm: ${reasonOf(error)}`);
    return Promise.resolve();
  }
}

async function deliver(report: AlarmReport, target: AlarmTarget, log: AlarmLog, timeoutMs: number): Promise<void> {
  let rendered: RenderedAlarm;
  try {
    rendered = renderAlarm(report);
  } catch (error) {
    logSafely(log, 'warning', `unable to render alarm for service ${escapeControlCharacters(String(report?.module))}: ${reasonOf(error)}`);
    return;
  }
  const sends: Promise<void>[] = [];
  if (target.alarmMail.length > 0) sends.push(deliverMail(rendered, report.host, target, log, timeoutMs));
  if (target.alarmGsm.length > 0) sends.push(deliverGsm(rendered, target, log, timeoutMs));
  const alertmanager = target.alarmAlertmanager ?? null;
  if (alertmanager !== null) sends.push(deliverAlertmanager(report, rendered, alertmanager, log, timeoutMs));
  await Promise.all(sends);
}

async function deliverMail(
  rendered: RenderedAlarm,
  host: string,
  target: AlarmTarget,
  log: AlarmLog,
  timeoutMs: number,
): Promise<void> {
  // The config parser already leaves such entries out; a target built elsewhere may not.
  const addresses = target.alarmMail.filter((entry) => isMailAddress(entry));
  const notAddresses = target.alarmMail.filter((entry) => !isMailAddress(entry));
  if (addresses.length === 0) {
    logSafely(log, 'warning', `no alarm mail sent: alarm_mail has no mail address (${describeEntries(notAddresses)} ${notAddresses.length === 1 ? 'is' : 'are'} not one)`);
    return;
  }
  const recipients = escapeControlCharacters(addresses.join(' '));
  let receipt: MailReceipt;
  try {
    receipt = await sendMail(
      {
        transport: target.mailTransport,
        from: target.mailFrom ?? defaultMailFrom(host),
        to: addresses,
        subject: rendered.subject,
        text: rendered.body,
      },
      timeoutMs,
    );
  } catch (error) {
    logSafely(log, 'warning', `unable to send alarm mail to ${recipients}: ${reasonOf(error)}`);
    return;
  }
  // Only the recipients the transport took count as sent; say why each other one got nothing.
  const took = new Set(receipt.accepted.map((address) => address.toLowerCase()));
  const refused = new Set(receipt.rejected.map((address) => address.toLowerCase()));
  const sent = addresses.filter((address) => took.has(address.toLowerCase()));
  if (sent.length > 0) logSafely(log, 'notice', `alarm mail sent to ${escapeControlCharacters(sent.join(' '))}: ${rendered.subject}`);
  else logSafely(log, 'warning', `no alarm mail sent: the transport took none of ${recipients}`);
  for (const entry of notAddresses) logSafely(log, 'warning', `alarm mail not sent to ${describeEntries([entry])}: not a mail address`);
  for (const address of addresses) {
    if (took.has(address.toLowerCase())) continue;
    const why = refused.has(address.toLowerCase()) ? 'refused by the mail server' : 'not taken by the transport';
    logSafely(log, 'warning', `alarm mail not sent to ${escapeControlCharacters(address)}: ${why}`);
  }
}

function describeEntries(entries: string[]): string {
  return entries.map((entry) => JSON.stringify(escapeControlCharacters(entry))).join(', ');
}

async function deliverGsm(rendered: RenderedAlarm, target: AlarmTarget, log: AlarmLog, timeoutMs: number): Promise<void> {
  const command = escapeControlCharacters(target.gsmCommand);
  let failed: { number: string; reason: string }[] = [];
  try {
    await sendGsm(target.gsmCommand, target.alarmGsm, rendered.shortText, timeoutMs);
  } catch (error) {
    failed =
      error instanceof SendGsmError
        ? error.failures.map((f) => ({ number: f.number, reason: `${command}: ${f.reason}` }))
        : target.alarmGsm.map((number) => ({ number, reason: reasonOf(error) }));
  }
  const sent = target.alarmGsm.filter((number) => !failed.some((f) => f.number === number));
  if (sent.length > 0) logSafely(log, 'notice', `alarm gsm sent to ${escapeControlCharacters(sent.join(' '))}: ${rendered.shortText}`);
  for (const { number, reason } of failed) {
    logSafely(log, 'warning', `unable to send alarm gsm to ${escapeControlCharacters(number)}: ${escapeControlCharacters(reason)}`);
  }
}

async function deliverAlertmanager(
  report: AlarmReport,
  rendered: RenderedAlarm,
  base: string,
  log: AlarmLog,
  timeoutMs: number,
): Promise<void> {
  const shown = maskCredentials(escapeControlCharacters(alertsUrlOf(base)));
  try {
    await sendAlertmanager(base, buildAlertmanagerAlerts(report, rendered, Date.now()), timeoutMs);
  } catch (error) {
    logSafely(log, 'warning', `unable to post alarm to ${shown}: ${reasonOf(error)}`);
    return;
  }
  logSafely(log, 'notice', `alarm posted to ${shown}: ${rendered.subject}`);
}

function reasonOf(error: unknown): string {
  return maskCredentials(escapeControlCharacters(error instanceof Error ? error.message : String(error)));
}

// A logger that throws (a full disk, a closed stream) must not turn into a rejection.
function logSafely(log: AlarmLog, level: 'notice' | 'warning', message: string): void {
  try {
    log[level](message);
  } catch {
    // nowhere left to report it
  }
}
