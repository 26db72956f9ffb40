// Renders an alarm and sends it by mail and gsm at once, logging each outcome (SPEC section 5).
// Callers fire and forget it: it never rejects, so a failed or slow send can only ever be a
// WARNING, never a crash, a delayed restart or a blocked control FIFO.
import { renderAlarm, toSingleLine, type AlarmReport, type RenderedAlarm } from './render-alarm.js';
import { SendGsmError, sendGsm } from './send-gsm.js';
import { defaultMailFrom, sendMail } from './send-mail.js';

/** Where alarms go: the module's resolved config values. */
export interface AlarmTarget {
  /** `sendmail` or an `smtp://` / `smtps://` URL. */
  mailTransport: string;
  /** null means supervise@HOST. */
  mailFrom: string | null;
  alarmMail: string[];
  gsmCommand: string;
  alarmGsm: string[];
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
    logSafely(log, 'warning', `unable to render alarm for service ${toSingleLine(String(report?.module))}: ${reasonOf(error)}`);
    return;
  }
  const sends: Promise<void>[] = [];
  if (target.alarmMail.length > 0) sends.push(deliverMail(rendered, report.host, target, log, timeoutMs));
  if (target.alarmGsm.length > 0) sends.push(deliverGsm(rendered, target, log, timeoutMs));
  await Promise.all(sends);
}

async function deliverMail(
  rendered: RenderedAlarm,
  host: string,
  target: AlarmTarget,
  log: AlarmLog,
  timeoutMs: number,
): Promise<void> {
  const recipients = toSingleLine(target.alarmMail.join(' '));
  try {
    await sendMail(
      {
        transport: target.mailTransport,
        from: target.mailFrom ?? defaultMailFrom(host),
        to: target.alarmMail,
        subject: rendered.subject,
        text: rendered.body,
      },
      timeoutMs,
    );
    logSafely(log, 'notice', `alarm mail sent to ${recipients}: ${rendered.subject}`);
  } catch (error) {
    logSafely(log, 'warning', `unable to send alarm mail to ${recipients}: ${reasonOf(error)}`);
  }
}

async function deliverGsm(rendered: RenderedAlarm, target: AlarmTarget, log: AlarmLog, timeoutMs: number): Promise<void> {
  const command = toSingleLine(target.gsmCommand);
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
  if (sent.length > 0) logSafely(log, 'notice', `alarm gsm sent to ${toSingleLine(sent.join(' '))}: ${rendered.shortText}`);
  for (const { number, reason } of failed) {
    logSafely(log, 'warning', `unable to send alarm gsm to ${toSingleLine(number)}: ${toSingleLine(reason)}`);
  }
}

function reasonOf(error: unknown): string {
  return toSingleLine(error instanceof Error ? error.message : String(error));
}

// A logger that throws (a full disk, a closed stream) must not turn into a rejection.
function logSafely(log: AlarmLog, level: 'notice' | 'warning', message: string): void {
  try {
    log[level](message);
  } catch {
    // nowhere left to report it
  }
}
