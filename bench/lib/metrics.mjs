// The measurements. Each group deploys the peers it needs, measures, and
// stops every deployment in a finally, whatever happened. A failure is
// recorded against its peer and rows, and the other peers carry on.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpuTicks, contextSwitches, memoryOf, monoNow, nsToMs, sleep, waitDeadSync, waitFor } from './procs.mjs';
import { SERVE_ROWS, measureServe } from './serve-bench.mjs';
import { waitForStamps } from './stamps.mjs';
import { measureThroughput } from './throughput.mjs';

/** Every row of the report, in order. `metric` is the name --only selects it by. */
export const ROWS = [
  { id: 'restart', metric: 'restart', title: 'restart latency: kill -9 → new start', unit: 'ms' },
  { id: 'control', metric: 'control', title: 'control latency: kill command → service dead', unit: 'ms' },
  { id: 'restart-crowded', metric: 'crowded', title: 'restart latency with {crowdSize} other processes running', unit: 'ms' },
  { id: 'startup', metric: 'startup', title: 'start-up: launch → service running', unit: 'ms' },
  { id: 'startup-return', metric: 'startup', title: 'start-up: launch → `supervise` returned', unit: 'ms' },
  { id: 'node-floor', metric: 'startup', title: 'reference: bare `node -e 0`, launch → exit', unit: 'ms' },
  { id: 'crash-starts', metric: 'crashloop', title: 'crash-loop: starts in {crashSeconds} s', unit: 'starts' },
  { id: 'crash-interval', metric: 'crashloop', title: 'crash-loop: time between starts', unit: 'ms' },
  { id: 'tail-ticks', metric: 'idle', title: 'after start-up: CPU ticks in the first {settleSeconds} s', unit: 'ticks' },
  { id: 'tail-switches', metric: 'idle', title: 'after start-up: context switches in the first {settleSeconds} s', unit: 'switches' },
  { id: 'idle-ticks', metric: 'idle', title: 'idle: CPU ticks in {idleSeconds} s', unit: 'ticks' },
  { id: 'idle-switches', metric: 'idle', title: 'idle: context switches in {idleSeconds} s', unit: 'switches' },
  { id: 'mem1-pss', metric: 'memory', title: 'memory, 1 service: PSS', unit: 'KiB' },
  { id: 'mem1-rss', metric: 'memory', title: 'memory, 1 service: RSS', unit: 'KiB' },
  { id: 'mem1-dirty', metric: 'memory', title: 'memory, 1 service: Private_Dirty', unit: 'KiB' },
  { id: 'memN-pss', metric: 'memory', title: 'memory, {memoryServices} services: PSS per service', unit: 'KiB' },
  { id: 'memN-rss', metric: 'memory', title: 'memory, {memoryServices} services: RSS per service', unit: 'KiB' },
  { id: 'memN-dirty', metric: 'memory', title: 'memory, {memoryServices} services: Private_Dirty per service', unit: 'KiB' },
  { id: 'restart-noisy', metric: 'noisy', title: 'restart latency beside noisy neighbours (supervise-scan only: control flood, output flood in a crash loop, hung mail, broken section)', unit: 'ms' },
  { id: 'many-startup', metric: 'many', title: '{memoryServices} services: launch → every service running', unit: 'ms' },
  { id: 'many-restart', metric: 'many', title: '{memoryServices} services: restart latency of one of them, kill -9 → new start', unit: 'ms' },
  { id: 'many-idle-ticks', metric: 'many', title: '{memoryServices} idle services: CPU ticks in {idleSeconds} s, from {manySettleSeconds} s after start-up', unit: 'ticks' },
  { id: 'many-idle-switches', metric: 'many', title: '{memoryServices} idle services: context switches in {idleSeconds} s, from {manySettleSeconds} s after start-up', unit: 'switches' },
  { id: 'memScan-pss', metric: 'memory', title: 'memory, {scanServices} services (supervise-scan only): PSS per service', unit: 'KiB' },
  { id: 'memScan-startup', metric: 'memory', title: 'start-up, {scanServices} services (supervise-scan only): launch → every service running', unit: 'ms' },
  { id: 'throughput-wall', metric: 'throughput', title: 'output: 200 MB of 100-byte lines through the logger, rotating at 10 MB (ours, multilog, svlogd, s6-log, supervisord)', unit: 'ms' },
  { id: 'throughput-cpu', metric: 'throughput', title: "output: the logger's CPU per 100 MB", unit: 'ms' },
  { id: 'throughput-floor', metric: 'throughput', title: 'reference: the same 200 MB into a plain file, no logger', unit: 'ms' },
  ...SERVE_ROWS,
];

export const METRIC_NAMES = [...new Set(ROWS.map((row) => row.metric))];

/**
 * Repetitions and windows, full and --quick. Idle is measured from
 * settleSeconds after start-up: V8 runs its memory reducer (a few GCs on
 * worker threads) once, about 8-10 s after a Node process starts; that
 * start-up tail has rows of its own.
 */
export function plan(quick, latencyRuns = null) {
  // serveServices: issue 12 asks for 200 whatever the run; only the request count shrinks.
  const common = { crashSeconds: 10, settleSeconds: 15, manySettleSeconds: 45, serveServices: 200, crowdSize: 2000 };
  const chosen = quick
    ? { ...common, latencyRuns: 5, startupRuns: 3, idleSeconds: 5, memoryServices: 10, scanServices: 100, throughputRounds: 1, serveRequests: 5 }
    : { ...common, latencyRuns: 20, startupRuns: 10, idleSeconds: 20, memoryServices: 50, scanServices: 500, throughputRounds: 3, serveRequests: 20 };
  return latencyRuns === null ? chosen : { ...chosen, latencyRuns };
}

const FIRST_START_TIMEOUT_MS = 15_000;
const RESTART_TIMEOUT_MS = 6000;
const IDLE_ROWS = ['tail-ticks', 'tail-switches', 'idle-ticks', 'idle-switches'];

const pauseServices = (count) => Array.from({ length: count }, (_, i) => ({ name: `s${i}`, mode: 'pause' }));

/** Deploys and starts; resolves once every service has stamped its first start. */
async function startDeployment(ctx, peer, purpose, services, timeoutMs = FIRST_START_TIMEOUT_MS) {
  const deployment = ctx.newDeployment(peer, purpose, services);
  try {
    deployment.setup();
    await deployment.start();
    await Promise.all(
      deployment.services.map((service) =>
        waitForStamps(service.stampFile, 1, { timeoutMs, what: `${peer.id} to start ${service.name}` }),
      ),
    );
    return deployment;
  } catch (error) {
    await stopQuietly(ctx, deployment);
    throw error;
  }
}

/** Like startDeployment, and how long from launch until the last service's first start. */
async function startDeploymentTimed(ctx, peer, purpose, services, timeoutMs) {
  const launchedAt = monoNow();
  const deployment = await startDeployment(ctx, peer, purpose, services, timeoutMs);
  const lastStart = deployment.services.reduce((latest, _, i) => {
    const first = deployment.stamps(i)[0].monoNs;
    return first > latest ? first : latest;
  }, 0n);
  return { deployment, startupMs: nsToMs(lastStart - launchedAt) };
}

async function stopQuietly(ctx, deployment) {
  try {
    await deployment.stop();
  } catch (error) {
    ctx.log(`${deployment.peer.id}: teardown: ${error.message}`);
  }
  for (const note of deployment.notes.splice(0)) ctx.log(`${deployment.peer.id}: ${note}`);
}

/** Starts one deployment per peer; a peer that fails is recorded against rowIds and left out. */
async function startEach(ctx, purpose, services, rowIds) {
  const started = [];
  for (const peer of ctx.peers) {
    try {
      started.push(await startDeployment(ctx, peer, purpose, services));
    } catch (error) {
      ctx.fail(rowIds, peer.id, error);
    }
  }
  return started;
}

/** The adapter's own idea of the service pid must match the stamp: proves it reads the right file. */
async function checkServicePid(deployment) {
  await waitFor(
    async () => {
      const stamped = deployment.stamps(0).at(-1).pid;
      const reported = await deployment.servicePid(0);
      if (reported === stamped) return true;
      throw new Error(`adapter reports pid ${reported}, stamp says ${stamped}`);
    },
    { what: `${deployment.peer.id} to report the service pid`, timeoutMs: 3000, intervalMs: 20 },
  );
}

async function restartOnce(deployment) {
  await deployment.waitSteady(0);
  const before = deployment.stamps(0);
  const startedAt = monoNow();
  process.kill(before.at(-1).pid, 'SIGKILL');
  const after = await waitForStamps(deployment.services[0].stampFile, before.length + 1, {
    timeoutMs: RESTART_TIMEOUT_MS,
    what: `${deployment.peer.id} to restart the service after kill -9`,
  });
  return nsToMs(after[before.length].monoNs - startedAt);
}

async function controlOnce(deployment) {
  await deployment.waitSteady(0);
  const before = deployment.stamps(0);
  const pid = before.at(-1).pid;
  const startedAt = monoNow();
  const command = deployment.kill(0);
  let diedAt;
  try {
    diedAt = waitDeadSync(pid, RESTART_TIMEOUT_MS, `${deployment.peer.id} service after its kill command`);
  } finally {
    await command.catch((error) => {
      if (diedAt !== undefined) throw error;
    });
  }
  // Wait for the restart here, so that it cannot fall into the next peer's measurement.
  await waitForStamps(deployment.services[0].stampFile, before.length + 1, {
    timeoutMs: RESTART_TIMEOUT_MS,
    what: `${deployment.peer.id} to restart the service after its kill command`,
  });
  return nsToMs(diedAt - startedAt);
}

/**
 * Restart and control latency. One deployment per peer; rounds visit the
 * peers in turn, one measurement at a time, so a peer's one-second start
 * pacing elapses while the others are measured.
 */
async function measureLatency(ctx) {
  const kinds = [
    ['restart', restartOnce],
    ['control', controlOnce],
  ].filter(([rowId]) => ctx.wants(rowId));
  if (kinds.length === 0) return;
  const rowIds = kinds.map(([rowId]) => rowId);
  const deployments = await startEach(ctx, 'latency', pauseServices(1), rowIds);
  try {
    const usable = [];
    for (const deployment of deployments) {
      try {
        await checkServicePid(deployment);
        usable.push(deployment);
      } catch (error) {
        ctx.fail(rowIds, deployment.peer.id, error);
      }
    }
    for (const [rowId, measureOnce] of kinds) await latencyRounds(ctx, usable, rowId, `${rowId} latency`, measureOnce);
  } finally {
    await Promise.all(deployments.map((deployment) => stopQuietly(ctx, deployment)));
  }
}

/** latencyRuns rounds of measureOnce over the deployments, in turn; a peer that fails is left out of later rounds. */
async function latencyRounds(ctx, deployments, rowId, what, measureOnce = restartOnce) {
  const active = new Set(deployments);
  for (let run = 1; run <= ctx.plan.latencyRuns; run++) {
    ctx.progress(`${what}, run ${run}/${ctx.plan.latencyRuns}`);
    for (const deployment of active) {
      try {
        ctx.record(rowId, deployment.peer.id, await measureOnce(deployment));
      } catch (error) {
        ctx.fail([rowId], deployment.peer.id, error);
        active.delete(deployment);
      }
    }
  }
}

/**
 * Restart latency on a machine running crowdSize more processes (sleeps of
 * the bench's own): ours reads /proc/*\/stat at each exit to find what the
 * service left in its session (SPEC section 11), and this is that price.
 */
async function measureCrowdedRestart(ctx) {
  if (!ctx.wants('restart-crowded')) return;
  const crowd = [];
  try {
    ctx.progress(`crowded restart: starting ${ctx.plan.crowdSize} sleep processes`);
    for (let i = 0; i < ctx.plan.crowdSize; i++) {
      const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
      child.on('error', () => {});
      crowd.push(child);
    }
    await waitFor(() => crowd.every((child) => child.pid !== undefined) || undefined, { what: 'the crowd to start', timeoutMs: 60_000, intervalMs: 50 });
    const deployments = await startEach(ctx, 'crowded', pauseServices(1), ['restart-crowded']);
    try {
      await latencyRounds(ctx, deployments, 'restart-crowded', 'crowded restart latency');
    } finally {
      await Promise.all(deployments.map((deployment) => stopQuietly(ctx, deployment)));
    }
  } finally {
    for (const child of crowd) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Launch to the service's start stamp, in a fresh directory each run; peers in turn. */
async function measureStartup(ctx) {
  if (!ctx.wants('startup')) return;
  const active = new Set(ctx.peers);
  for (let run = 1; run <= ctx.plan.startupRuns; run++) {
    ctx.progress(`start-up, run ${run}/${ctx.plan.startupRuns}`);
    for (const peer of active) {
      const deployment = ctx.newDeployment(peer, 'startup', pauseServices(1));
      try {
        deployment.setup();
        const launchedAt = monoNow();
        await deployment.start();
        const [stamp] = await waitForStamps(deployment.services[0].stampFile, 1, {
          timeoutMs: FIRST_START_TIMEOUT_MS,
          what: `${peer.id} to start the service`,
        });
        if (deployment.retried) {
          ctx.log(`${peer.id}: start-up run ${run} discarded: its start was retried`);
          continue;
        }
        ctx.record('startup', peer.id, nsToMs(stamp.monoNs - launchedAt));
        if (deployment.returnedAt) ctx.record('startup-return', peer.id, nsToMs(deployment.returnedAt[0] - launchedAt));
      } catch (error) {
        ctx.fail(['startup', 'startup-return'], peer.id, error);
        active.delete(peer);
      } finally {
        await stopQuietly(ctx, deployment);
      }
    }
  }
}

/**
 * How long this machine takes to start and end a bare Node: the floor under
 * each of ours' Node processes. Without NODE_EXTRA_CA_CERTS, as ours starts
 * its own Node (loading those certificates costs about 50 ms a start).
 */
async function measureNodeFloor(ctx) {
  if (!ctx.wants('node-floor') || !ctx.peers.some((peer) => peer.id === 'ours')) return;
  for (let run = 1; run <= ctx.plan.startupRuns; run++) {
    const launchedAt = monoNow();
    await new Promise((resolve, reject) => {
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    ctx.record('node-floor', 'ours', nsToMs(monoNow() - launchedAt));
  }
}

/** Starts of an exit-at-once service within a window from its first start; all peers at once (pacing is timer-bound). */
async function measureCrashLoop(ctx) {
  if (!ctx.wants('crash-starts')) return;
  const windowNs = BigInt(ctx.plan.crashSeconds * 1e9);
  const rowIds = ['crash-starts', 'crash-interval'];
  ctx.progress(`crash-loop, ${ctx.plan.crashSeconds} s window, all peers at once`);
  const deployments = await startEach(ctx, 'crashloop', [{ name: 's0', mode: 'exit' }], rowIds);
  try {
    const firstStarts = deployments.map((deployment) => deployment.stamps(0)[0].monoNs);
    const lastWindowEnd = firstStarts.reduce((a, b) => (a > b ? a : b), 0n) + windowNs;
    await sleep(nsToMs(lastWindowEnd - monoNow()) + 100);
    deployments.forEach((deployment, i) => {
      const inWindow = deployment.stamps(0).filter((stamp) => stamp.monoNs < firstStarts[i] + windowNs);
      ctx.record('crash-starts', deployment.peer.id, inWindow.length);
      for (let k = 1; k < inWindow.length; k++) {
        ctx.record('crash-interval', deployment.peer.id, nsToMs(inWindow[k].monoNs - inWindow[k - 1].monoNs));
      }
    });
  } finally {
    await Promise.all(deployments.map((deployment) => stopQuietly(ctx, deployment)));
  }
}

function sumOver(pids, read) {
  return pids.reduce((total, pid) => total + read(pid), 0);
}

function sumMemory(pids) {
  const total = { rssKiB: 0, pssKiB: 0, privateDirtyKiB: 0 };
  for (const pid of pids) {
    const memory = memoryOf(pid);
    for (const key of Object.keys(total)) total[key] += memory[key];
  }
  return total;
}

function recordMemory(ctx, prefix, peerId, total, services) {
  ctx.record(`${prefix}-pss`, peerId, total.pssKiB / services);
  ctx.record(`${prefix}-rss`, peerId, total.rssKiB / services);
  ctx.record(`${prefix}-dirty`, peerId, total.privateDirtyKiB / services);
}

function readCounters(deployment) {
  const pids = deployment.supervisorPids();
  return { ticks: sumOver(pids, cpuTicks), switches: sumOver(pids, contextSwitches), starts: deployment.stamps(0).length };
}

/**
 * Appends counters once a second, up to `toSecond` after `since`; the
 * series goes into the JSON, to tell when a supervisor woke.
 */
async function sampleCounters(deployment, since, toSecond, series) {
  for (let second = series.at(-1).second + 1; second <= toSecond; second++) {
    await sleep(since + second * 1000 - Date.now());
    series.push({ second, ...readCounters(deployment) });
  }
}

/**
 * One peer's timeline in the idle group: counters at start-up, after the
 * settling time, and after the idle window, then memory with one service.
 */
async function followIdle(ctx, deployment, { idle, memory }) {
  const peerId = deployment.peer.id;
  const since = Date.now();
  const atStart = readCounters(deployment);
  const series = [{ second: 0, ...atStart }];
  await sampleCounters(deployment, since, ctx.plan.settleSeconds, series);
  if (idle) {
    const settled = series.at(-1);
    ctx.record('tail-ticks', peerId, settled.ticks - atStart.ticks);
    ctx.record('tail-switches', peerId, settled.switches - atStart.switches);
    await sampleCounters(deployment, since, ctx.plan.settleSeconds + ctx.plan.idleSeconds, series);
    const after = series.at(-1);
    ctx.attach('idleSeries', peerId, series);
    if (after.starts !== settled.starts) throw new Error('the service restarted during the idle window');
    ctx.record('idle-ticks', peerId, after.ticks - settled.ticks);
    ctx.record('idle-switches', peerId, after.switches - settled.switches);
  }
  if (memory) recordMemory(ctx, 'mem1', peerId, sumMemory(deployment.supervisorPids()), 1);
}

/**
 * Idle cost of the supervisor process(es) with one running service, then
 * their memory with that one service. All peers at once, each on its own
 * timeline from its own start: an idle process is not disturbed by others.
 */
async function measureIdleAndMemory1(ctx) {
  const idle = ctx.wants('idle-ticks');
  const memory = ctx.wants('mem1-pss');
  if (!idle && !memory) return;
  const rowIds = [...(idle ? IDLE_ROWS : []), ...(memory ? ['mem1-pss', 'mem1-rss', 'mem1-dirty'] : [])];
  ctx.progress(
    `${idle ? `idle cost, ${ctx.plan.settleSeconds} s settling then ${ctx.plan.idleSeconds} s window` : `memory, 1 service, after ${ctx.plan.settleSeconds} s`}; all peers at once`,
  );
  const deployments = [];
  const timelines = [];
  try {
    for (const peer of ctx.peers) {
      try {
        const deployment = await startDeployment(ctx, peer, 'idle', pauseServices(1));
        deployments.push(deployment);
        timelines.push(followIdle(ctx, deployment, { idle, memory }).catch((error) => ctx.fail(rowIds, peer.id, error)));
      } catch (error) {
        ctx.fail(rowIds, peer.id, error);
      }
    }
    await Promise.all(timelines);
  } finally {
    await Promise.all(deployments.map((deployment) => stopQuietly(ctx, deployment)));
  }
}

/** Memory with many services, summed over every supervisor process, per service; one peer at a time. */
async function measureMemoryMany(ctx) {
  if (!ctx.wants('memN-pss')) return;
  const count = ctx.plan.memoryServices;
  const rowIds = ['memN-pss', 'memN-rss', 'memN-dirty'];
  for (const peer of ctx.peers) {
    ctx.progress(`memory, ${count} services: ${peer.id}`);
    let deployment;
    try {
      deployment = await startDeployment(ctx, peer, 'memory', pauseServices(count));
      await sleep(peer.settleMs);
      recordMemory(ctx, 'memN', peer.id, sumMemory(deployment.supervisorPids()), count);
    } catch (error) {
      ctx.fail(rowIds, peer.id, error);
    } finally {
      if (deployment) await stopQuietly(ctx, deployment);
    }
  }
}

/**
 * supervise-scan with many more services (issue 11: at most 300 KiB more per
 * added service between 50 and 500): PSS per service, and launch to every
 * service's first start. Ours-scan only: one process per service elsewhere
 * would cost minutes and gigabytes to show the same line.
 */
async function measureScanMany(ctx) {
  const peer = ctx.peers.find((candidate) => candidate.id === 'ours-scan');
  if (!peer || (!ctx.wants('memScan-pss') && !ctx.wants('memScan-startup'))) return;
  const count = ctx.plan.scanServices;
  ctx.progress(`supervise-scan with ${count} services`);
  let deployment;
  try {
    let startupMs;
    ({ deployment, startupMs } = await startDeploymentTimed(ctx, peer, 'scan-many', pauseServices(count), 30_000 + count * 200));
    ctx.record('memScan-startup', peer.id, startupMs);
    await sleep(peer.settleMs);
    ctx.record('memScan-pss', peer.id, sumMemory(deployment.supervisorPids()).pssKiB / count);
  } catch (error) {
    ctx.fail(['memScan-pss', 'memScan-startup'], peer.id, error);
  } finally {
    if (deployment) await stopQuietly(ctx, deployment);
  }
}

/**
 * Issue 11's scale rows, every peer with the same {memoryServices} services:
 * launch to every service running (one peer at a time, the others not yet
 * started), then all of them idle at once for the idle window after a
 * longer settling time than one service's (V8's memory reducer, a few full
 * collections, runs once 16-30 s after a supervise-scan with 50 services
 * starts, later than after a one-service start; the per-second series is in
 * the JSON), then restart latency of service 0 among the others, the peers
 * in turn as in the restart row.
 */
async function measureManyServices(ctx) {
  if (!ctx.wants('many-startup')) return;
  const count = ctx.plan.memoryServices;
  const rowIds = ['many-startup', 'many-restart', 'many-idle-ticks', 'many-idle-switches'];
  const deployments = [];
  try {
    for (const peer of ctx.peers) {
      ctx.progress(`${count} services: starting ${peer.id}`);
      try {
        const { deployment, startupMs } = await startDeploymentTimed(ctx, peer, 'many', pauseServices(count), 30_000 + count * 200);
        deployments.push(deployment);
        ctx.record('many-startup', peer.id, startupMs);
      } catch (error) {
        ctx.fail(rowIds, peer.id, error);
      }
    }
    const settleSeconds = ctx.plan.manySettleSeconds;
    ctx.progress(`${count} services: ${settleSeconds} s settling, then ${ctx.plan.idleSeconds} s idle window; all peers at once`);
    const since = Date.now();
    const idle = deployments.map(async (deployment) => {
      const series = [{ second: 0, ...readCounters(deployment) }];
      await sampleCounters(deployment, since, settleSeconds, series);
      const settled = series.at(-1);
      await sampleCounters(deployment, since, settleSeconds + ctx.plan.idleSeconds, series);
      const after = series.at(-1);
      ctx.attach('manyIdleSeries', deployment.peer.id, series);
      if (after.starts !== settled.starts) throw new Error('service 0 restarted during the idle window');
      ctx.record('many-idle-ticks', deployment.peer.id, after.ticks - settled.ticks);
      ctx.record('many-idle-switches', deployment.peer.id, after.switches - settled.switches);
    });
    const results = await Promise.allSettled(idle);
    results.forEach((result, i) => {
      if (result.status === 'rejected') ctx.fail(['many-idle-ticks', 'many-idle-switches'], deployments[i].peer.id, result.reason);
    });
    await latencyRounds(ctx, deployments, 'many-restart', `${count} services: restart latency of one`);
  } finally {
    await Promise.all(deployments.map((deployment) => stopQuietly(ctx, deployment)));
  }
}

/**
 * Issue 11: no service can slow another. supervise-scan's restart latency of
 * one quiet service, measured as the restart row is, while in the same scan
 * one service's control FIFO is flooded with `h`, one floods its output in
 * piped mode and exits (a crash loop), one crash-loops with alarms to a mail
 * server that never answers, and one has a broken config section. Read
 * against ours-scan's restart row (the same service, no neighbours).
 */
async function measureNoisyNeighbours(ctx) {
  const peer = ctx.peers.find((candidate) => candidate.id === 'ours-scan');
  if (!peer || !ctx.wants('restart-noisy')) return;
  ctx.progress('restart latency beside noisy neighbours: ours-scan');
  const silent = createServer((socket) => socket.on('error', () => {}));
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = silent.address().port;
  const services = [
    { name: 's0', mode: 'pause' },
    { name: 'hupped', run: "trap '' HUP\nexec sleep 100000" },
    { name: 'flooder', run: "head -c 2000000 /dev/zero | tr '\\0' x | fold -w 99\nexit 3", conf: ['output_max_bytes : 1M', 'output_backups : 2'] },
    { name: 'crasher', run: 'exit 1', conf: ['alarm_interval : 60', 'alarm_mail : ops@example.com', `mail_transport : smtp://127.0.0.1:${port}`] },
    { name: 'broken', run: 'exec sleep 100000', conf: ['max_tries : lots', 'user : no-such-user-here', 'stop_timeout : -4'] },
  ];
  const deployment = ctx.newDeployment(peer, 'noisy', services);
  try {
    deployment.setup();
    await deployment.start();
    await waitForStamps(deployment.services[0].stampFile, 1, { timeoutMs: FIRST_START_TIMEOUT_MS, what: 'ours-scan to start s0' });
    // Issue 11's control flood: 10,000 `h` into hupped's control before each kill (a FIFO holds 64 KiB: one write).
    const flood = Buffer.alloc(10_000, 'h');
    for (let run = 1; run <= ctx.plan.latencyRuns; run++) {
      ctx.progress(`restart latency beside noisy neighbours, run ${run}/${ctx.plan.latencyRuns}`);
      await deployment.waitSteady(0);
      deployment.control(1, flood);
      ctx.record('restart-noisy', peer.id, await restartOnce(deployment));
    }
  } catch (error) {
    ctx.fail(['restart-noisy'], peer.id, error);
  } finally {
    await stopQuietly(ctx, deployment);
    silent.close();
  }
}

/** In the order they run: the quick, noisy-sensitive latency first, while the machine is freshest. */
export const GROUPS = [measureLatency, measureCrowdedRestart, measureNoisyNeighbours, measureStartup, measureNodeFloor, measureCrashLoop, measureIdleAndMemory1, measureMemoryMany, measureScanMany, measureManyServices, measureThroughput, measureServe];
