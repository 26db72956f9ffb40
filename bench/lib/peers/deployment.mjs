// What every peer adapter shares: a deployment is one supervisor set-up (one
// or many services) in its own temp dir, with every process it started
// tracked so that teardown, even on abort, leaves nothing running.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cmdlineOf, isDead, monoNow, sleep, waitFor } from '../procs.mjs';
import { readStamps } from '../stamps.mjs';

const live = new Set();

/** Gap after a service's start before it is killed: every peer paces starts at most one a second. */
export const START_PACING_MS = 1100;

const STOP_TIMEOUT_MS = 5000;

/**
 * Base class of the adapters. A subclass sets up files in setup(), launches
 * in start(), and provides servicePid(i), kill(i), requestStop() and
 * supervisorPids(). Services are {name, mode: 'pause'|'exit'}.
 */
export class Deployment {
  constructor({ peer, dir, fixture, services }) {
    this.peer = peer;
    this.dir = dir;
    this.fixture = fixture;
    this.services = services.map((service) => ({ ...service, stampFile: join(dir, `${service.name}.stamp`) }));
    /** Processes this harness spawned, kept to reap them and to kill their process groups. */
    this.children = [];
    this.notes = [];
    mkdirSync(dir, { recursive: true });
    live.add(this);
  }

  /** The fixture's argv for service i; stamps go to the service's stamp file. */
  serviceArgv(i) {
    const { mode, stampFile } = this.services[i];
    return [this.fixture, mode, stampFile];
  }

  /** Spawns a supervisor in a session of its own (as an init would), output discarded. */
  launch(file, args, options = {}) {
    const child = spawn(file, args, { detached: true, stdio: 'ignore', ...options });
    const record = { child, pid: child.pid, exited: false, file };
    child.on('exit', () => (record.exited = true));
    child.on('error', (error) => {
      record.exited = true;
      record.error = error;
    });
    this.children.push(record);
    return record;
  }

  stamps(i) {
    return readStamps(this.services[i].stampFile);
  }

  servicePidsEverStarted() {
    return this.services.flatMap((_, i) => this.stamps(i).map((stamp) => stamp.pid));
  }

  /** A pid is ours while its command line names this deployment's dir. */
  ownsPid(pid) {
    return cmdlineOf(pid).includes(this.dir);
  }

  /** Waits until service i may be killed without hitting the peer's start pacing. */
  async waitSteady(i) {
    const last = this.stamps(i).at(-1);
    if (!last) throw new Error(`${this.peer.id}: service ${this.services[i].name} never started`);
    const dueNs = last.monoNs + BigInt(START_PACING_MS * 1e6);
    const now = monoNow();
    if (now < dueNs) await sleep(Number(dueNs - now) / 1e6);
  }

  /** Graceful stop, then whatever is left is killed; resolves once all is dead. */
  async stop() {
    try {
      try {
        await this.requestStop();
      } catch (error) {
        this.notes.push(`graceful stop failed: ${error.message}`);
      }
      const everyoneDead = () => [...this.supervisorPids(), ...this.servicePidsEverStarted()].every(isDead);
      try {
        await waitFor(everyoneDead, { what: `${this.peer.id} to stop`, timeoutMs: STOP_TIMEOUT_MS, intervalMs: 10 });
      } catch {
        this.notes.push(`did not stop within ${STOP_TIMEOUT_MS} ms of its stop command; killed. ${this.describeStuck()}`);
        this.killSync();
        await waitFor(everyoneDead, { what: `${this.peer.id} to die of SIGKILL`, timeoutMs: 2000, intervalMs: 10 });
      }
      // Reap what we spawned, so no zombie outlives the deployment.
      await waitFor(() => this.children.every((record) => record.exited), { what: `${this.peer.id} children to be reaped`, timeoutMs: 2000 });
    } finally {
      live.delete(this);
    }
  }

  /** What is still alive, for the note of a stop that timed out. */
  describeStuck() {
    const alive = [...this.supervisorPids(), ...this.servicePidsEverStarted()].filter((pid) => !isDead(pid));
    return `Still alive: ${alive.map((pid) => `${pid} (${cmdlineOf(pid).slice(0, 80)})`).join(', ') || 'none'}.`;
  }

  /** SIGKILL for every process of this deployment; synchronous, for teardown on abort. */
  killSync() {
    for (const record of this.children) {
      // An unreaped child keeps its pid, so its process group is still ours.
      if (!record.exited && record.pid) {
        try {
          process.kill(-record.pid, 'SIGKILL');
        } catch {
          try {
            process.kill(record.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
    let pids = [];
    try {
      pids = [...this.supervisorPids(), ...this.servicePidsEverStarted()];
    } catch {
      // state files unreadable: the process groups above are all we can do
    }
    for (const pid of pids) {
      if (pid > 0 && !isDead(pid) && this.ownsPid(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Kills every deployment still running; for exit and signal handlers. */
export function killAllDeploymentsSync() {
  for (const deployment of live) {
    deployment.killSync();
    live.delete(deployment);
  }
}

export const liveDeploymentCount = () => live.size;

/**
 * Runs a control tool to completion: starts it synchronously (so the caller's
 * clock starts with the fork) and resolves when it exits 0.
 */
export function runTool(argv, { timeoutMs = 10_000 } = {}) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`unable to run ${argv.join(' ')}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${argv.join(' ')} exited ${signal ?? code}: ${stderr.trim()}`));
    });
  });
}
