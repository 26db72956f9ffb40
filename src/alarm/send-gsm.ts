// Sends the gsm alarm: `gsm_command NUMBER@MESSAGE` once per number, without a shell (SPEC section 5).
import { spawn, type ChildProcess } from 'node:child_process';

export interface GsmFailure {
  number: string;
  reason: string;
}

/** Some numbers could not be sent to; the others were. */
export class SendGsmError extends Error {
  readonly code = 'EGSM';

  constructor(
    readonly command: string,
    readonly failures: readonly GsmFailure[],
  ) {
    super(`unable to run ${command} for ${failures.map((f) => `${f.number} (${f.reason})`).join(', ')}`);
    this.name = 'SendGsmError';
  }
}

/**
 * Runs `command NUMBER@MESSAGE` for every number at once, each killed after timeoutMs.
 * Resolves when every run exited 0; otherwise rejects, after all runs ended, with a
 * SendGsmError that names each failed number and why.
 */
export async function sendGsm(command: string, numbers: string[], message: string, timeoutMs = 30_000): Promise<void> {
  const results = await Promise.all(numbers.map((number) => sendOne(command, number, message, timeoutMs)));
  const failures = results.filter((result): result is GsmFailure => result !== null);
  if (failures.length > 0) throw new SendGsmError(command, failures);
}

function sendOne(command: string, number: string, message: string, timeoutMs: number): Promise<GsmFailure | null> {
  // A number starting with '-' would reach the script as an option, and '@' splits the argument.
  if (number === '' || number.startsWith('-') || number.includes('@') || /\s/.test(number)) {
    return Promise.resolve({ number, reason: 'not a phone number' });
  }
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // detached: its own session, so `pgrep -s <supervise pid>` lists only the service, and
      // a timeout can kill the sender together with anything it started.
      child = spawn(command, [`${number}@${message}`], { stdio: 'ignore', detached: true });
    } catch (error) {
      resolve({ number, reason: describeSpawnError(error) });
      return;
    }
    let settled = false;
    let timedOut = false;
    const finish = (failure: GsmFailure | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(failure);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.once('error', (error) => finish({ number, reason: describeSpawnError(error) }));
    child.once('close', (code, signal) => {
      if (timedOut) finish({ number, reason: `no exit within ${timeoutMs} ms (timed out), killed` });
      else if (code === 0) finish(null);
      else if (signal !== null) finish({ number, reason: `killed by ${signal}` });
      else finish({ number, reason: `exited with code ${code}` });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone; make sure of the child itself.
    child.kill('SIGKILL');
  }
}

function describeSpawnError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'command not found (ENOENT)';
  if (code === 'EACCES') return 'permission denied (EACCES)';
  return (error as Error).message;
}
