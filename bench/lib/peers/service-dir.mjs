// daemontools, runit and s6 are run the same way: one supervisor process per
// service directory, whose ./run is a symlink to the fixture binary. They
// exec ./run with no arguments and their own environment, so the fixture's
// mode and stamp file go in the supervisor's environment (STAMP_MODE,
// STAMP_FILE): the service is exec'd directly, no shell in between, as ours
// and supervisord run it.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { debianVersion } from '../setup.mjs';
import { Deployment, runTool } from './deployment.mjs';

class ServiceDirDeployment extends Deployment {
  constructor(options, spec) {
    super(options);
    this.spec = spec;
    this.serviceDirs = this.services.map((service) => join(this.dir, service.name));
  }

  setup() {
    this.serviceDirs.forEach((serviceDir, i) => {
      mkdirSync(serviceDir);
      symlinkSync(this.fixture, join(serviceDir, 'run'));
    });
  }

  async start() {
    this.supervisors = this.serviceDirs.map((serviceDir, i) => {
      const { mode, stampFile } = this.services[i];
      return this.launch(this.spec.supervisor, [serviceDir], { env: { ...process.env, STAMP_MODE: mode, STAMP_FILE: stampFile } });
    });
  }

  supervisorPids() {
    return (this.supervisors ?? []).map((record) => record.pid);
  }

  servicePid(i) {
    return this.spec.readPid(this.serviceDirs[i]);
  }

  kill(i) {
    return runTool(this.spec.killArgv(this.serviceDirs[i]));
  }

  async requestStop() {
    for (const record of this.supervisors ?? []) {
      if (record.exited) continue;
      try {
        process.kill(this.spec.stopByGroup ? -record.pid : record.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

function readBytes(path) {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

function serviceDirPeer({ id, label, pkg, supervisor, killArgv, readPid, stopByGroup = false, tools }) {
  const spec = { supervisor, killArgv, readPid, stopByGroup };
  return {
    id,
    label,
    packages: [pkg],
    binaries: [supervisor, ...tools],
    killCommand: killArgv('DIR').join(' '),
    settleMs: 1500,
    version: () => debianVersion(pkg),
    deploy: (options) => new ServiceDirDeployment(options, spec),
  };
}

export const daemontools = serviceDirPeer({
  id: 'daemontools',
  label: 'daemontools supervise',
  pkg: 'daemontools',
  supervisor: '/usr/bin/supervise',
  tools: ['/usr/bin/svc'],
  killArgv: (dir) => ['/usr/bin/svc', '-k', dir],
  // supervise/status: 12 bytes TAI64N, then the pid, 4 bytes little-endian.
  readPid: (dir) => {
    const status = readBytes(join(dir, 'supervise', 'status'));
    return status.length >= 16 ? status.readUInt32LE(12) : 0;
  },
  // supervise sleeps a second after each start before it reads `svc -dx`;
  // TERM to its process group (supervise and the service share it) is
  // immediate. Teardown only, never measured.
  stopByGroup: true,
});

export const runit = serviceDirPeer({
  id: 'runit',
  label: 'runit runsv',
  pkg: 'runit',
  supervisor: '/usr/bin/runsv',
  tools: ['/usr/bin/sv'],
  killArgv: (dir) => ['/usr/bin/sv', 'kill', dir],
  readPid: (dir) => Number(readBytes(join(dir, 'supervise', 'pid')).toString().trim()) || 0,
  // runsv takes TERM as `x`: TERM to the service, exit once it is down.
});

export const s6 = serviceDirPeer({
  id: 's6',
  label: 's6-supervise',
  pkg: 's6',
  supervisor: '/usr/bin/s6-supervise',
  tools: ['/usr/bin/s6-svc'],
  killArgv: (dir) => ['/usr/bin/s6-svc', '-k', dir],
  // supervise/status (s6 2.11, 35 bytes): two TAI64N stamps, then the pid, 8 bytes big-endian.
  readPid: (dir) => {
    const status = readBytes(join(dir, 'supervise', 'status'));
    return status.length >= 32 ? Number(status.readBigUInt64BE(24)) : 0;
  },
  // s6-supervise takes TERM as `s6-svc -xd`.
});
