// A winston transport that appends finished lines to one path and keeps that
// path honest: SPEC section 8 wants a log file that another tool removed or
// renamed re-created at its path, and a full one renamed to `PATH.1`.
//
// winston's own File transport cannot do either: it names rotated files
// `supervise1.log`, `supervise2.log` (so `supervise.log.1` is impossible), it
// never notices that its file was removed or renamed under it and keeps
// writing into the unlinked inode, and it writes through an asynchronous
// stream, so a line logged just before the daemon exits can be lost.
//
// Here every line is written with writeSync before log() calls back, as a
// custom winston-transport may: lines are few (a start, an exit, a control
// command), and once winston has handed a line over it is on disk, whatever
// happens to the daemon next. The checks happen lazily at write time, so an idle
// daemon is never woken by a timer or a file watcher.
import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs';
import TransportStream from 'winston-transport';
import { EXIT_LOCK } from '../core/exit-codes.js';
import { describeCause } from '../core/supervise-error.js';
import { comparePathWithOpenFile } from '../io/same-file.js';

/** Where winston formats put the finished line: triple-beam's MESSAGE, a registered symbol. */
const MESSAGE = Symbol.for('message');

/** New log files are private to the owner; the umask can only narrow this. */
const LOG_FILE_MODE = 0o600;

/** A log file could not be opened, checked, rotated or written. */
export class LogFileError extends Error {
  readonly code = 'LOG_FILE';
  /** SPEC section 1: log files that cannot be opened before daemonizing exit 111. */
  readonly exitCode = EXIT_LOCK;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'LogFileError';
  }
}

export interface ReopeningFileTransportOptions extends TransportStream.TransportStreamOptions {
  /**
   * The log file; created if missing, re-created whenever it stops naming the
   * open file. A function is asked again at every line: the daemon's status
   * directory is reached through the descriptor it holds, which can change.
   */
  path: string | (() => string);
  /** A write that would take the file past this many bytes renames it to `PATH.1` first. */
  maxBytes: number;
  /**
   * The line written ahead of the first line that lands after lines were lost
   * (disk full, file too large, directory gone); without it the gap is silent.
   * `reason` reads `unable to <verb> <path>: <cause>` for the first failure.
   */
  formatLostLinesNote?: (lostLines: number, reason: string) => string;
}

export class ReopeningFileTransport extends TransportStream {
  private readonly pathOf: () => string;
  private readonly maxBytes: number;
  private readonly formatLostLinesNote: ((lostLines: number, reason: string) => string) | undefined;
  private fd: number | undefined;
  private lostLines = 0;
  private lostReason = '';
  /** A failed write left part of a line that could not be cut off; the next line starts on a new line. */
  private tornLine = false;
  private isClosed = false;

  /** Opens the file at once, so a path that cannot be logged to is reported before daemonizing. */
  constructor(options: ReopeningFileTransportOptions) {
    super(options);
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0) {
      throw new RangeError(`maxBytes must be a positive integer, got ${String(options.maxBytes)}`);
    }
    const { path } = options;
    this.pathOf = typeof path === 'string' ? () => path : path;
    this.maxBytes = options.maxBytes;
    this.formatLostLinesNote = options.formatLostLinesNote;
    this.fd = openLogFile(this.path);
  }

  get path(): string {
    return this.pathOf();
  }

  /** winston hands each accepted info here; the line is written before the callback, so nothing waits in a buffer. */
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    if (typeof line === 'string') this.appendLine(line);
    next();
  }

  /**
   * Appends one finished line. Never throws: a line that cannot be written is
   * dropped and counted, and every later line tries again, so logging resumes
   * on its own when space (or the directory) comes back. Returns whether the
   * line was written.
   */
  appendLine(line: string): boolean {
    if (this.isClosed) return false;
    const note = this.lostLines > 0 && this.formatLostLinesNote ? this.formatLostLinesNote(this.lostLines, this.lostReason) : '';
    const payload = Buffer.from(`${this.tornLine ? '\n' : ''}${note}${line}`);
    try {
      this.writePayload(payload);
    } catch (error) {
      if (this.lostLines === 0) this.lostReason = error instanceof Error ? error.message : String(error);
      this.lostLines += 1;
      return false;
    }
    this.lostLines = 0;
    this.tornLine = false;
    return true;
  }

  override close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeFile();
  }

  private writePayload(payload: Buffer): void {
    let fd = this.openCurrentFile();
    let size = statOpenFile(fd, this.path).size;
    if (size > 0 && size + payload.length > this.maxBytes && this.rotateFile()) {
      fd = this.openCurrentFile();
      size = 0;
    }
    this.writeWhole(fd, payload, size);
  }

  /** The open fd, after making sure the path still names it (removed or renamed files are re-created). */
  private openCurrentFile(): number {
    if (this.fd !== undefined && namesOpenFile(this.path, this.fd)) return this.fd;
    this.closeFile();
    this.fd = openLogFile(this.path);
    return this.fd;
  }

  /**
   * Renames the full file to `PATH.1`, replacing an older one. A failed rename
   * (say a directory squats on `PATH.1`) keeps appending past the limit: a log
   * that outgrows its soft limit beats a log that silently stops for good.
   */
  private rotateFile(): boolean {
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      return false;
    }
    this.closeFile();
    return true;
  }

  private writeWhole(fd: number, payload: Buffer, sizeBefore: number): void {
    let written = 0;
    try {
      while (written < payload.length) {
        const count = writeSync(fd, payload, written, payload.length - written);
        if (count === 0) throw new Error('short write');
        written += count;
      }
    } catch (error) {
      // RLIMIT_FSIZE (EFBIG once the limit is hit) and a filling disk both
      // write part of a line first; cut it off so the file holds whole lines.
      if (written > 0) this.cutTornLine(fd, sizeBefore);
      throw new LogFileError(`unable to write ${this.path}: ${describeCause(error)}`, { cause: error });
    }
  }

  private cutTornLine(fd: number, sizeBefore: number): void {
    try {
      ftruncateSync(fd, sizeBefore);
    } catch {
      this.tornLine = true;
    }
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing useful can be done about a failed close of a log fd.
    }
    this.fd = undefined;
  }
}

function openLogFile(path: string): number {
  try {
    return openSync(path, 'a', LOG_FILE_MODE);
  } catch (error) {
    throw new LogFileError(`unable to open ${path}: ${describeCause(error)}`, { cause: error });
  }
}

function statOpenFile(fd: number, path: string): { size: number } {
  try {
    return fstatSync(fd);
  } catch (error) {
    throw new LogFileError(`unable to stat ${path}: ${describeCause(error)}`, { cause: error });
  }
}

/** Whether `path` is still the file open on `fd`. */
function namesOpenFile(path: string, fd: number): boolean {
  try {
    return comparePathWithOpenFile(path, fd, { followSymlinks: true }) === 'same';
  } catch {
    // Whatever went wrong, re-opening either recovers or reports it precisely.
    return false;
  }
}
