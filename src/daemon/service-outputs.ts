// Which output mode each start of the service gets (SPEC section 12): with
// output_max_bytes 0 the service opens __stdout and __stderr itself, as
// before; above 0 it gets the write ends of two pipes that supervise reads
// and writes into those files. The pipes are made once and outlive every
// start, so the next start writes into the same pipes and what a leftover
// of the previous one still writes is captured as well.
import type { ModuleConfig } from '../config/module-config.js';
import type { HeldStatusDir } from '../io/held-status-dir.js';
import { PipedOutput, type OutputLimits, type PipedOutputLogger } from '../io/piped-output.js';
import { ServiceOutputError } from '../io/service-output.js';
import { describeCause } from '../core/supervise-error.js';

type Stream = 'stdout' | 'stderr';
const STREAMS: readonly Stream[] = ['stdout', 'stderr'];

export class ServiceOutputs {
  private piped: Record<Stream, PipedOutput> | null = null;
  /** Pipes left behind by a switch back to direct files (`r`): drained in the background, waited for at exit. */
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly held: HeldStatusDir,
    private readonly logger: PipedOutputLogger,
    private readonly now: () => number,
  ) {}

  /**
   * At each start: the descriptors the service gets for fd 1 and 2, or null
   * when it opens the files itself. Throws ServiceOutputError when the pipes
   * or files cannot be made.
   */
  forStart(settings: ModuleConfig): Record<Stream, number> | null {
    if (settings.outputMaxBytes === 0) {
      if (this.piped !== null) this.retire(this.piped);
      this.piped = null;
      return null;
    }
    const limits: OutputLimits = { maxBytes: settings.outputMaxBytes, backups: settings.outputBackups, timestamps: settings.outputTimestamps };
    if (this.piped === null) {
      this.piped = this.open(limits);
    } else {
      for (const stream of STREAMS) this.piped[stream].setLimits(limits);
    }
    return { stdout: this.piped.stdout.writeFd, stderr: this.piped.stderr.writeFd };
  }

  /** `l`: nothing to do in the direct mode, where supervise does not write the files. */
  rotate(): void {
    if (this.piped === null) return;
    for (const stream of STREAMS) this.piped[stream].rotate();
  }

  /** Before supervise exits: everything in the pipes reaches the files. */
  async drain(): Promise<void> {
    if (this.piped !== null) this.retire(this.piped);
    this.piped = null;
    await Promise.allSettled([...this.retiring]);
  }

  private open(limits: OutputLimits): Record<Stream, PipedOutput> {
    const opened: PipedOutput[] = [];
    try {
      for (const stream of STREAMS) {
        const name = `__${stream}`;
        opened.push(
          new PipedOutput({ path: () => this.held.file(name), shownPath: this.held.shownFile(name), limits, logger: this.logger, now: this.now }),
        );
      }
    } catch (error) {
      for (const output of opened) void output.drain();
      throw new ServiceOutputError(`unable to open the output pipes in ${this.held.shown}: ${describeCause(error)}`, { cause: error });
    }
    return { stdout: opened[0], stderr: opened[1] };
  }

  private retire(piped: Record<Stream, PipedOutput>): void {
    const done = Promise.allSettled(STREAMS.map((stream) => piped[stream].drain())).then(() => {});
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }
}
