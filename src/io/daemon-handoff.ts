// The foreground supervise and its daemon talk over one socket pair (fd 4 in
// the daemon): the options go down as one JSON line, one result line comes
// back once the service runs, so the caller's shell returns only then and
// errors found by the daemon still reach the caller's terminal.
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { daemonEnvironment } from './daemon-environment.js';
import { EXIT_LOCK } from '../core/exit-codes.js';

export const LOCK_FD = 3;
export const HANDOFF_FD = 4;

/**
 * V8 flags for the daemon, which spends its life waiting: one background
 * thread instead of one per core, and garbage collection on the main thread
 * (a few KB at a time) without helper threads' work lists. Measured side by
 * side on idle daemons: private dirty memory 6.93 MB with these, 6.95 MB
 * without, 7.48 MB with --lite-mode (which grows the malloc heap), 5 threads
 * instead of 8.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1', '--single-threaded-gc'];

export type HandoffResult = { ok: true; pid: number } | { ok: false; exitCode: number; message: string };

function readLine(socket: Socket): Promise<string | null> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline !== -1) {
        cleanup();
        resolve(buffered.slice(0, newline));
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
  });
}

export interface DaemonLaunch {
  /** Sends the options and waits for the daemon's one result line. */
  send(payload: unknown): Promise<HandoffResult>;
  /** Sends nothing: the daemon, still waiting for its options, exits without a trace. */
  dismiss(): void;
}

/**
 * Foreground side: starts the daemon in its own session with the locked
 * descriptor as fd 3. It boots while the caller keeps checking its
 * arguments, and does nothing until send() gives it the options.
 */
export function spawnDaemon(daemonScript: string, displayArgs: readonly string[], lockFd: number, nodeFlags: readonly string[] = DAEMON_NODE_FLAGS): DaemonLaunch {
  const child = spawn(process.execPath, [...nodeFlags, daemonScript, ...displayArgs], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', lockFd, 'pipe'],
    env: daemonEnvironment(process.env),
  });
  const socket = child.stdio[HANDOFF_FD] as Socket;
  socket.on('error', () => {});
  const finish = () => {
    socket.destroy();
    child.unref();
  };
  return {
    async send(payload) {
      socket.write(`${JSON.stringify(payload)}\n`);
      const line = await readLine(socket);
      finish();
      if (line === null) {
        return { ok: false, exitCode: EXIT_LOCK, message: 'the daemon exited before starting the service; see supervise.log.wf' };
      }
      return JSON.parse(line) as HandoffResult;
    },
    dismiss: finish,
  };
}

/** Daemon side: the socket to the foreground supervise. */
export function openHandoff(): { receive(): Promise<unknown>; report(result: HandoffResult): void } {
  const socket = new Socket({ fd: HANDOFF_FD, readable: true, writable: true });
  // The foreground supervise may be gone (killed, or it dismissed us); nothing to tell it then.
  socket.on('error', () => {});
  return {
    async receive() {
      const line = await readLine(socket);
      if (line === null) throw new Error('no options received from the foreground supervise');
      return JSON.parse(line);
    },
    report(result) {
      socket.end(`${JSON.stringify(result)}\n`);
      socket.unref();
    },
  };
}
