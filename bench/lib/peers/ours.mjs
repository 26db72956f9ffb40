// Our supervise, from this checkout: `bin/supervise -p DIR -f "COMMAND"`
// daemonizes and returns once the service runs (SPEC 2). Control is a byte
// written to DIR/control; the service pid is bytes 16-19 of DIR/status; the
// daemon's pid is supervisePid in DIR/status.json.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDead, monoNow, sleep, waitFor } from '../procs.mjs';
import { Deployment } from './deployment.mjs';

const repoDir = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))));
const SUPERVISE = join(repoDir, 'bin', 'supervise');
const DIST_ENTRY = join(repoDir, 'dist', 'supervise.mjs');
const CLI_TIMEOUT_MS = 10_000;

/** Writes control bytes the way `echo k > control` does, minus the shell; throws ENXIO when no supervise reads. */
function writeControl(statusDir, bytes) {
  const fd = openSync(join(statusDir, 'control'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

class OursDeployment extends Deployment {
  constructor(options) {
    super(options);
    this.statusDirs = this.services.map((service) => join(this.dir, 'status', service.name));
    this.daemonPids = [];
    /** Monotonic ns at which each `supervise` command returned. */
    this.returnedAt = [];
  }

  setup() {
    // No alarms and no limits, so a crash loop is never given up on.
    writeFileSync(join(this.dir, 'supervise.conf'), '[global]\nalarm_interval : 0\n');
  }

  async start() {
    for (let i = 0; i < this.services.length; i++) await this.startOne(i);
  }

  /**
   * In a shared checkout a colleague's `npm run build` empties dist/ for a
   * moment; a start that failed for that waits for dist/ and tries once more.
   */
  async startOne(i) {
    try {
      await this.launchOne(i);
    } catch (error) {
      if (!error.distMissing) throw error;
      this.notes.push('dist/ was being rebuilt during a start; waited for it and retried');
      this.retried = true;
      await waitFor(() => existsSync(DIST_ENTRY), { what: `${DIST_ENTRY} to be rebuilt`, timeoutMs: 60_000, intervalMs: 200 });
      await sleep(500);
      await this.launchOne(i);
    }
  }

  async launchOne(i) {
    const statusDir = this.statusDirs[i];
    const record = this.launch(SUPERVISE, ['-p', statusDir, '-f', this.serviceArgv(i).join(' ')], {
      cwd: this.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    record.child.stderr.on('data', (chunk) => (stderr += chunk));
    // 'exit', not 'close': a daemon that kept the stderr pipe would hold 'close' back.
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${SUPERVISE} -p ${statusDir} did not return within ${CLI_TIMEOUT_MS} ms`)),
        CLI_TIMEOUT_MS,
      );
      record.child.on('exit', (exitCode, signal) => {
        clearTimeout(timer);
        resolve(signal ?? exitCode);
      });
      record.child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`unable to run ${SUPERVISE}: ${error.message}`));
      });
    });
    this.returnedAt[i] = monoNow();
    if (code !== 0) {
      const error = new Error(`${SUPERVISE} -p ${statusDir} exited ${code}: ${stderr.trim()}`);
      error.distMissing = stderr.includes('ERR_MODULE_NOT_FOUND') && !existsSync(DIST_ENTRY);
      throw error;
    }
    this.daemonPids[i] = await waitFor(
      () => JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8')).supervisePid,
      { what: `supervisePid in ${statusDir}/status.json`, timeoutMs: 2000 },
    );
  }

  supervisorPids() {
    return this.daemonPids.filter(Boolean);
  }

  /** A pid is ours if it names our dir, or holds one of our lock files open (as `fuser lock` would find). */
  ownsPid(pid) {
    if (super.ownsPid(pid)) return true;
    try {
      const locks = new Set(this.statusDirs.map((statusDir) => join(statusDir, 'lock')));
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return locks.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  }

  describeStuck() {
    const stuck = this.statusDirs.filter((_, i) => this.daemonPids[i] && !isDead(this.daemonPids[i]));
    const tails = stuck.map((statusDir) => {
      try {
        const lines = readFileSync(join(statusDir, 'supervise.log'), 'utf8').trimEnd().split('\n');
        return `${statusDir}/supervise.log ends: ${lines.slice(-4).join(' | ')}`;
      } catch (error) {
        return `${statusDir}/supervise.log: ${error.message}`;
      }
    });
    return `${super.describeStuck()} ${tails.join('; ')}`;
  }

  servicePid(i) {
    const status = readFileSync(join(this.statusDirs[i], 'status'));
    return status.readUInt32LE(16);
  }

  async kill(i) {
    writeControl(this.statusDirs[i], 'k');
  }

  async requestStop() {
    this.statusDirs.forEach((statusDir, i) => {
      try {
        writeControl(statusDir, 'dx');
      } catch {
        // No reader on the FIFO: the daemon is gone, or never came; TERM what we know.
        const pid = this.daemonPids[i];
        if (pid && this.ownsPid(pid)) process.kill(pid, 'SIGTERM');
      }
    });
  }
}

export const ours = {
  id: 'ours',
  label: 'supervise (this repo)',
  packages: [],
  binaries: [SUPERVISE],
  files: [DIST_ENTRY],
  killCommand: "write 'k' to DIR/control",
  // V8's memory reducer GCs about 8-10 s after start; memory is read after it.
  settleMs: 15_000,
  version: () => {
    try {
      return `${execFileSync('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}, Node ${process.version}`;
    } catch {
      return `Node ${process.version}`;
    }
  },
  deploy: (options) => new OursDeployment(options),
};
