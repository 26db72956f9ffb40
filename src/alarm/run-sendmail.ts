// Hands one composed message to sendmail as `sendmail -i -f FROM TO...`, the
// command nodemailer's sendmail transport runs (SPEC section 5).
//
// nodemailer composes the message (its stream transport, documented for
// "handle delivery yourself"); supervise runs sendmail itself because
// nodemailer's sendmail transport keeps the child to itself and ignores the
// abort signal once it has spawned it, so a hung sendmail would outlive the
// 30 s bound of an alarm. Here the child is ours, and the abort kills it.
import { spawn, type ChildProcess } from 'node:child_process';

/** The envelope nodemailer derived from the message's From and To. */
export interface SendmailEnvelope {
  from: string | false;
  to: string[];
}

/** An error of runSendmail: `code` is ESENDMAIL, or the spawn's errno code (ENOENT, EACCES...). */
export interface SendmailError extends Error {
  code?: string;
}

/**
 * Resolves once sendmail exited 0 after reading the whole message; rejects with
 * why otherwise. On abort, kills sendmail and rejects with the signal's reason.
 */
export function runSendmail(path: string, envelope: SendmailEnvelope, message: Buffer, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const addresses = [...(envelope.from === false ? [] : [envelope.from]), ...envelope.to];
  // A local part may be quoted: `"-x"@host` is as much an option to sendmail as -x@host.
  const optionLike = addresses.find((address) => /^"?-/.test(address));
  if (optionLike !== undefined) {
    return Promise.reject(sendmailError(`the address ${JSON.stringify(optionLike)} starts with "-", which sendmail would read as an option`));
  }
  const args = ['-i', ...(envelope.from === false ? [] : ['-f', envelope.from]), ...envelope.to];

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      // Its output is nothing supervise reads: ignored, so a chatty sendmail never blocks on a full pipe.
      // detached: a session of its own, so it is never taken for one of the service's processes (SPEC section 11).
      child = spawn(path, args, { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    } catch (error) {
      reject(error as Error);
      return;
    }
    let settled = false;
    let stdinError: Error | null = null;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error === null) resolve();
      else reject(error);
    };
    const onAbort = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      settle(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => settle(error));
    // 'exit', not 'close': a daemon that sendmail forks may keep a pipe open long after it queued the message.
    child.once('exit', (code, killedBy) => {
      if (code !== null && code !== 0) settle(sendmailError(`${path} exited with code ${code}`));
      else if (killedBy !== null) settle(sendmailError(`${path} was killed by ${killedBy}`));
      else if (stdinError !== null) settle(sendmailError(`${path} exited before it read the whole message (${stdinError.message})`));
      else settle(null);
    });
    // EPIPE when sendmail closes its stdin early; its exit code, which follows, says more.
    child.stdin?.on('error', (error) => (stdinError ??= error));
    child.stdin?.end(message);
  });
}

function sendmailError(message: string): SendmailError {
  const error: SendmailError = new Error(message);
  error.code = 'ESENDMAIL';
  return error;
}
