// supervisord: one Python process for all programs, configured by an ini
// file, controlled through supervisorctl over a unix socket. It runs the
// command itself (no shell). nodaemon=true is how Debian's unit runs it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../procs.mjs';
import { debianVersion } from '../setup.mjs';
import { Deployment, runTool } from './deployment.mjs';

const SUPERVISORD = '/usr/bin/supervisord';
const SUPERVISORCTL = '/usr/bin/supervisorctl';

class SupervisordDeployment extends Deployment {
  constructor(options) {
    super(options);
    this.ini = join(this.dir, 'supervisord.ini');
    this.logFile = join(this.dir, 'supervisord.log');
  }

  setup() {
    const socket = join(this.dir, 'supervisor.sock');
    const programs = this.services.map(
      (service, i) => `[program:${service.name}]\ncommand=${this.serviceArgv(i).join(' ')}\nautorestart=true\n`,
    );
    writeFileSync(
      this.ini,
      [
        `[unix_http_server]\nfile=${socket}\nchmod=0700\n`,
        `[supervisord]\nnodaemon=true\nuser=root\nlogfile=${this.logFile}\npidfile=${join(this.dir, 'supervisord.pid')}\nchildlogdir=${this.dir}\n`,
        `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n`,
        `[supervisorctl]\nserverurl=unix://${socket}\n`,
        ...programs,
      ].join('\n'),
    );
  }

  async start() {
    this.supervisor = this.launch(SUPERVISORD, ['-c', this.ini]);
  }

  supervisorPids() {
    return this.supervisor ? [this.supervisor.pid] : [];
  }

  servicePid(i) {
    const out = execFileSync(SUPERVISORCTL, ['-c', this.ini, 'pid', this.services[i].name], { encoding: 'utf8' });
    return Number(out.trim()) || 0;
  }

  kill(i) {
    return runTool([SUPERVISORCTL, '-c', this.ini, 'signal', 'KILL', this.services[i].name]);
  }

  /**
   * A program killed before `startsecs` (1 s) counts as a failed start and is
   * retried with a backoff, so wait until supervisord has logged every start
   * of service i as RUNNING; its loop checks that about once a second.
   */
  async waitSteady(i) {
    await super.waitSteady(i);
    const { name } = this.services[i];
    const starts = this.stamps(i).length;
    await waitFor(
      () => {
        const log = readFileSync(this.logFile, 'utf8');
        const running = log.split(`success: ${name} entered RUNNING state`).length - 1;
        if (running >= starts) return true;
        throw new Error(`${running} of ${starts} starts logged RUNNING`);
      },
      { what: `supervisord to log ${name} RUNNING`, timeoutMs: 5000, intervalMs: 20 },
    );
  }

  async requestStop() {
    // SIGTERM: supervisord stops every program (TERM) and exits.
    if (this.supervisor && !this.supervisor.exited) process.kill(this.supervisor.pid, 'SIGTERM');
  }
}

export const supervisord = {
  id: 'supervisord',
  label: 'supervisord',
  packages: ['supervisor'],
  binaries: [SUPERVISORD, SUPERVISORCTL],
  killCommand: 'supervisorctl signal KILL NAME',
  // It spawns its programs a second after it starts, and calls them RUNNING a second later.
  settleMs: 3000,
  version: () => debianVersion('supervisor'),
  deploy: (options) => new SupervisordDeployment(options),
};
