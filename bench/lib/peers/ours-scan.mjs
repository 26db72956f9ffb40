// Our supervise-scan, from this checkout: `bin/supervise-scan SCANDIR` in the
// foreground, one process for every service (SPEC section 13). As for
// daemontools, runit and s6, each service directory's ./run is a symlink to
// the fixture, which takes its mode and stamp file from the environment the
// scan passes on: STAMP_FILE is relative (`stamp`), so each service stamps
// into its own directory, its working directory. Control and status are
// the per-service files, as for ours.
import { closeSync, constants, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from './deployment.mjs';
import { ours } from './ours.mjs';

const repoDir = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))));
const SUPERVISE_SCAN = join(repoDir, 'bin', 'supervise-scan');
const DIST_ENTRY = join(repoDir, 'dist', 'supervise-scan.mjs');

class OursScanDeployment extends Deployment {
  constructor(options) {
    super(options);
    this.scanDir = join(this.dir, 'service');
    this.services = this.services.map((service) => ({ ...service, stampFile: join(this.scanDir, service.name, 'stamp') }));
  }

  /**
   * Services with `run` (a shell script's body) and `conf` (their section's
   * lines) are neighbours that are not the fixture: they stamp nothing.
   */
  setup() {
    mkdirSync(this.scanDir);
    const sections = ['[global]', 'alarm_interval : 0'];
    for (const service of this.services) {
      mkdirSync(join(this.scanDir, service.name));
      const run = join(this.scanDir, service.name, 'run');
      if (service.run === undefined) symlinkSync(this.fixture, run);
      else writeFileSync(run, `#!/bin/sh\n${service.run}\n`, { mode: 0o755 });
      if (service.conf) sections.push(`[${service.name}]`, ...service.conf);
    }
    // No alarms and no limits (but where a neighbour asks), so a crash loop is never given up on.
    writeFileSync(join(this.scanDir, 'supervise.conf'), `${sections.join('\n')}\n`);
  }

  async start() {
    const modes = new Set(this.services.filter((service) => service.run === undefined).map((service) => service.mode));
    if (modes.size !== 1) throw new Error('supervise-scan passes one environment to every service: one mode per deployment');
    this.scan = this.launch(SUPERVISE_SCAN, [this.scanDir], { env: { ...process.env, STAMP_MODE: [...modes][0], STAMP_FILE: 'stamp' } });
  }

  supervisorPids() {
    return this.scan ? [this.scan.pid] : [];
  }

  statusDir(i) {
    return join(this.scanDir, this.services[i].name, 'supervise');
  }

  servicePid(i) {
    return readFileSync(join(this.statusDir(i), 'status')).readUInt32LE(16);
  }

  async kill(i) {
    this.control(i, 'k');
  }

  /** Writes control bytes as `echo X > control` does, without blocking; a full FIFO (EAGAIN) is thrown. */
  control(i, bytes) {
    const fd = openSync(join(this.statusDir(i), 'control'), constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
  }

  async requestStop() {
    if (this.scan && !this.scan.exited) process.kill(this.scan.pid, 'SIGTERM');
  }
}

export const oursScan = {
  id: 'ours-scan',
  label: 'supervise-scan (this repo)',
  packages: [],
  binaries: [SUPERVISE_SCAN],
  files: [DIST_ENTRY],
  killCommand: "write 'k' to SCANDIR/sN/supervise/control",
  settleMs: ours.settleMs,
  // The output throughput of a service is the same code as ours' (piped output); not measured twice.
  skipThroughput: true,
  version: ours.version,
  deploy: (options) => new OursScanDeployment(options),
};
