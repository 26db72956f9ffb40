// The foreground supervise and its daemon talk over one Unix socket: the
// options go down as one JSON line, one result line comes back once the
// service runs, so the caller's shell returns only then and errors found by
// the daemon still reach the caller's terminal. The daemon connects to a
// socket the foreground one listens on in a fresh 0700 directory, rather than
// inheriting one end of a socket pair: a descriptor Node opens itself is
// close-on-exec, an inherited one is not, and Node cannot change that, so the
// service would inherit it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonEnvironment } from './daemon-environment.js';
import { EXIT_LOCK } from '../core/exit-codes.js';

/**
 * V8 flags for the daemon, which spends its life waiting: one background
 * thread instead of one per core, and garbage collection on the main thread
 * (a few KB at a time) without helper threads' work lists. Measured side by
 * side on idle daemons: private dirty memory 6.93 MB with these, 6.95 MB
 * without, 7.48 MB with --lite-mode (which grows the malloc heap), 5 threads
 * instead of 8.
 *
 * A 1 MB nursery: V8 doubles the young generation up to 16 MB per
 * semi-space as a process keeps allocating, and a service restarting in a
 * loop makes the daemon allocate about 150 KB per restart, all of it short
 * lived. With the default the daemon's RSS grew 17 MB over 750 restarts
 * (all of it in V8's pages: its live heap grew 0.4 MB); with 1 MB it grew
 * 6 MB and fell back at the next full collection.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--v8-pool-size=1', '--single-threaded-gc', '--max-semi-space-size=1'];

/** `warning`: the daemon runs on, but the service did not start; the caller shows why. */
export type HandoffResult = { ok: true; pid: number; warning?: string } | { ok: false; exitCode: number; message: string };

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

/** How long a caller waits for a daemon that reported a failure to exit, before returning anyway. */
const DAEMON_EXIT_GRACE_MS = 5000;

function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Kept referenced: the child was unref'ed, and the timer holds the loop open until it exits.
    const timer = setTimeout(resolve, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const DAEMON_GONE: HandoffResult = { ok: false, exitCode: EXIT_LOCK, message: 'the daemon exited before starting the service; see supervise.log.wf' };

/**
 * Foreground side: starts the daemon in its own session, its stdio on
 * /dev/null and the path of the hand-off socket as its first argument. It
 * boots while the caller keeps checking its arguments, and does nothing
 * until send() gives it the options.
 */
export function spawnDaemon(daemonScript: string, displayArgs: readonly string[], nodeFlags: readonly string[] = DAEMON_NODE_FLAGS): DaemonLaunch {
  const dir = mkdtempSync(join(tmpdir(), 'supervise-handoff-'));
  const path = join(dir, 'socket');
  const server = createServer();
  server.on('error', () => {});
  server.listen(path);
  const child = spawn(process.execPath, [...nodeFlags, daemonScript, path, ...displayArgs], {
    detached: true,
    stdio: 'ignore',
    env: daemonEnvironment(process.env),
  });
  child.on('error', () => {});
  // The daemon's connection, or null when it died (or the socket failed) first.
  const connection = new Promise<Socket | null>((resolve) => {
    server.once('connection', (socket) => {
      socket.on('error', () => {});
      resolve(socket);
    });
    server.once('error', () => resolve(null));
    child.once('exit', () => resolve(null));
  });
  let finished = false;
  const finish = (socket: Socket | null) => {
    if (finished) return;
    finished = true;
    socket?.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    child.unref();
  };
  // The socket's name is needed only until the daemon is connected.
  void connection.then(() => rmSync(dir, { recursive: true, force: true }));
  return {
    async send(payload) {
      const socket = await connection;
      if (socket === null) {
        finish(null);
        return DAEMON_GONE;
      }
      server.close();
      socket.write(`${JSON.stringify(payload)}\n`);
      const line = await readLine(socket);
      finish(socket);
      const result = line === null ? DAEMON_GONE : (JSON.parse(line) as HandoffResult);
      // A daemon that failed is on its way out: the caller returns once it
      // is gone, so a script that sees the failure never sees it running.
      if (!result.ok) await exited(child, DAEMON_EXIT_GRACE_MS);
      return result;
    },
    dismiss() {
      // A daemon that connected sees its socket close; one that had not finds no socket.
      void connection.then((socket) => socket?.destroy());
      finish(null);
    },
  };
}

/** Daemon side: connects to the foreground supervise's socket, named by `path`. */
export function openHandoff(path: string): { receive(): Promise<unknown>; report(result: HandoffResult): void } {
  const socket = createConnection(path);
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
