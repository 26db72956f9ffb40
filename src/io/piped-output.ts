// One output pipe of the service and the file supervise writes it into
// (SPEC section 12): reads the pipe, has the pure cutter decide writes and
// rotations (src/codec/output-cutter.ts), and carries them out in order,
// asynchronously, so a slow or full disk never holds up the control FIFO.
//
// Backpressure instead of loss: what is read waits in memory until it is
// written; past HIGH_WATER_BYTES of it the pipe is no longer read, so the
// service blocks on a full pipe, as under multilog. A write that fails (disk
// full, quota) is retried on a timer, with one WARNING per episode and a
// NOTICE when writing works again; nothing is dropped.
import { close, closeSync, constants, fstatSync, lstat, open, openSync, rename, unlink, writev } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { cutOutput, flushOutput, initialCutterState, rotateOutput, type CutResult, type CutterState, type OutputOp } from '../codec/output-cutter.js';
import { formatOutputStamp } from '../codec/local-time.js';
import { describeCause } from '../core/supervise-error.js';
import { createOutputPipe, type OutputPipe } from './output-pipe.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const renameAsync = promisify(rename);
const lstatAsync = promisify(lstat);
const unlinkAsync = promisify(unlink);
const writevAsync = promisify(writev);

const FILE_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
const FILE_MODE = 0o644;
/** Read but not yet written: above this the pipe is not read until the writes catch up. */
const HIGH_WATER_BYTES = 256 * 1024;
/** How soon a failed write (disk full) is tried again. */
export const RETRY_MS = 200;
/** writev(2) takes at most IOV_MAX (1024) buffers. */
const MAX_BUFFERS = 1024;
/** At drain: a leftover that keeps the pipe open but writes nothing for this long is not waited for. */
export const DRAIN_QUIET_MS = 2000;

export interface OutputLimits {
  readonly maxBytes: number;
  readonly backups: number;
  readonly timestamps: boolean;
}

export interface PipedOutputLogger {
  notice(message: string): void;
  warning(message: string): void;
}

export interface PipedOutputOptions {
  /**
   * Where the file is opened, asked at every open and rename: through the
   * held status directory, whose descriptor changes when it is re-created.
   */
  readonly path: () => string;
  /** The file as messages show it. */
  readonly shownPath: string;
  readonly limits: OutputLimits;
  readonly logger: PipedOutputLogger;
  readonly now: () => number;
}

export class PipedOutput {
  private readonly pipe: OutputPipe;
  private readonly socket: Socket;
  private limits: OutputLimits;
  private cutter: CutterState;
  private fd: number | null;
  private readonly queue: OutputOp[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private failingSince: number | null = null;
  /** The current rotation's renames are done and only its new file is still to open (a retry after a failure). */
  private renamed = false;
  private writeEndOpen = true;
  private ended = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly endWaiters: Array<() => void> = [];

  /** Throws when the pipe or the file cannot be made or opened. */
  constructor(private readonly options: PipedOutputOptions) {
    this.limits = options.limits;
    // Opened now, synchronously, as the direct mode opens it at the start: its size is where the cutter starts.
    this.fd = openSync(options.path(), FILE_FLAGS, FILE_MODE);
    this.cutter = initialCutterState(fstatSync(this.fd).size);
    try {
      this.pipe = createOutputPipe();
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
    this.socket = new Socket({ fd: this.pipe.readFd, readable: true, writable: false });
    this.socket.on('data', (chunk: Buffer) => this.take(chunk));
    this.socket.on('end', () => this.reachedEnd());
    // A read error on a pipe of our own is not expected; ending it keeps drain from waiting forever.
    this.socket.on('error', (error) => {
      this.options.logger.warning(`unable to read the service's output for ${this.options.shownPath}: ${describeCause(error)}`);
      this.reachedEnd();
    });
  }

  /** The write end the service gets as its fd 1 or 2. */
  get writeFd(): number {
    return this.pipe.writeFd;
  }

  /** A changed output_* value, from the next start on; the pipe stays. */
  setLimits(limits: OutputLimits): void {
    this.limits = limits;
  }

  /** `l`: rotates now, after what was read before it. */
  rotate(): void {
    this.apply(rotateOutput(this.cutter));
  }

  /**
   * Closes supervise's write end and writes everything until every other
   * writer (the service and what it left running) closed or went; a leftover
   * that keeps the pipe open without writing is not waited for past
   * DRAIN_QUIET_MS. Resolves once all of it is in the file.
   */
  async drain(): Promise<void> {
    if (this.writeEndOpen) {
      this.writeEndOpen = false;
      closeSync(this.pipe.writeFd);
    }
    await this.quietOrEnded();
    this.socket.destroy();
    this.apply(flushOutput(this.cutter, this.limits.maxBytes));
    await this.idle();
    if (this.fd !== null) await closeAsync(this.fd).catch(() => {});
    this.fd = null;
  }

  private take(chunk: Buffer): void {
    const stamp = this.limits.timestamps ? Buffer.from(formatOutputStamp(this.options.now())) : null;
    this.apply(cutOutput(this.cutter, chunk, this.limits.maxBytes, stamp));
    if (this.queuedBytes > HIGH_WATER_BYTES) this.socket.pause();
  }

  private apply(result: CutResult): void {
    this.cutter = result.state;
    for (const op of result.ops) {
      this.queue.push(op);
      if (op.kind === 'write') this.queuedBytes += op.bytes.length;
    }
    if (result.ops.length > 0) void this.pump();
  }

  private reachedEnd(): void {
    this.ended = true;
    for (const wake of this.endWaiters.splice(0)) wake();
  }

  private quietOrEnded(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        // Only a quiet pipe counts: writes held up by a full disk are not a leftover's silence.
        timer = setTimeout(() => (this.queuedBytes > 0 ? arm() : finish('quiet')), DRAIN_QUIET_MS);
      };
      const onData = () => arm();
      const finish = (how: 'ended' | 'quiet') => {
        clearTimeout(timer);
        this.socket.off('data', onData);
        if (how === 'quiet') {
          this.options.logger.notice(`${this.options.shownPath}: a process left by the service still holds its output open; not waiting for it`);
        }
        resolve();
      };
      this.socket.on('data', onData);
      this.endWaiters.push(() => finish('ended'));
      arm();
    });
  }

  private idle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Carries out the queued operations in order, one at a time; consecutive writes go in one writev(2). */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        try {
          if (this.queue[0].kind === 'rotate') {
            await this.rotateFile();
            this.queue.shift();
          } else {
            this.consume(await this.writeQueued());
          }
        } catch (error) {
          await this.waitAfterFailure(error);
          continue;
        }
        if (this.failingSince !== null) {
          const seconds = ((this.options.now() - this.failingSince) / 1000).toFixed(1);
          this.options.logger.notice(`writing ${this.options.shownPath} again after ${seconds} s; nothing was lost`);
          this.failingSince = null;
        }
        if (this.queuedBytes <= HIGH_WATER_BYTES / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } finally {
      this.pumping = false;
      if (this.queue.length === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async writeQueued(): Promise<number> {
    const fd = await this.openFile();
    const buffers: Buffer[] = [];
    for (const op of this.queue) {
      if (op.kind !== 'write' || buffers.length === MAX_BUFFERS) break;
      buffers.push(op.bytes);
    }
    return (await writevAsync(fd, buffers)).bytesWritten;
  }

  /** Drops what was written from the front of the queue; a short write leaves the rest of a buffer there. */
  private consume(written: number): void {
    let left = written;
    this.queuedBytes -= written;
    while (left > 0) {
      const op = this.queue[0] as Extract<OutputOp, { kind: 'write' }>;
      if (op.bytes.length <= left) {
        left -= op.bytes.length;
        this.queue.shift();
      } else {
        this.queue[0] = { kind: 'write', bytes: op.bytes.subarray(left) };
        left = 0;
      }
    }
  }

  private async openFile(): Promise<number> {
    if (this.fd === null) this.fd = await openAsync(this.options.path(), FILE_FLAGS, FILE_MODE);
    return this.fd;
  }

  /** NAME.K to NAME.K+1 from the oldest down, the oldest past output_backups removed, NAME to NAME.1, then a new NAME. */
  private async rotateFile(): Promise<void> {
    if (!this.renamed) await this.renameFiles(this.options.path(), this.limits.backups);
    this.renamed = true;
    await this.openFile();
    this.renamed = false;
  }

  private async renameFiles(path: string, backups: number): Promise<void> {
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      await closeAsync(fd);
    }
    // Files beyond the limit (left by a larger output_backups before `r`) go too.
    let highest = 0;
    while (await exists(`${path}.${highest + 1}`)) highest += 1;
    for (let index = highest; index >= 1; index -= 1) {
      if (index >= backups) await unlinkAsync(`${path}.${index}`).catch(ignoreMissing);
      else await renameAsync(`${path}.${index}`, `${path}.${index + 1}`).catch(ignoreMissing);
    }
    if (backups > 0) await renameAsync(path, `${path}.1`).catch(ignoreMissing);
    else await unlinkAsync(path).catch(ignoreMissing);
  }

  private async waitAfterFailure(error: unknown): Promise<void> {
    if (this.failingSince === null) {
      this.failingSince = this.options.now();
      this.options.logger.warning(
        `unable to write ${this.options.shownPath}: ${describeCause(error)}; the service's output waits in the pipe until it can be written`,
      );
    }
    this.socket.pause();
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

async function exists(path: string): Promise<boolean> {
  return (await lstatAsync(path).catch(ignoreMissing)) !== undefined;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code !== 'ENOENT') throw error;
  return undefined;
}
