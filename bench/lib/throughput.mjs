// Output throughput (SPEC section 12, issue 10 point 5): the same C writer
// (fixtures/line-writer.c) sends 200 MB of 100-byte lines to stdout through
// each logger, rotating at 10 MB and keeping 5 old files:
//   ours         supervise with output_max_bytes 10M, output_backups 5
//   daemontools  multilog s10000000 n5
//   runit        svlogd, config `s10000000` `n5`
//   s6           s6-log n5 s10000000
//   supervisord  stdout_logfile_maxbytes=10MB, stdout_logfile_backups=5
// and, as the floor, a plain file with nothing in between. The C loggers read
// a real pipe(2) from a shell pipeline. Timed from the moment the writer is
// let go (a file it waits for, so no start-up is in the figure) until the
// last line is in the logger's current file; the logger's CPU is utime+stime
// of its process (/proc/PID/stat) over the same span.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTicks, monoNow, nsToMs, sleep, waitFor } from './procs.mjs';
import { buildLineWriter } from './setup.mjs';

const repoDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const SUPERVISE = join(repoDir, 'bin', 'supervise');
const TOTAL_BYTES = 200 * 1000 * 1000;
const PER_100MB = TOTAL_BYTES / (100 * 1000 * 1000);
const CLOCK_TICKS_PER_SECOND = 100;
const DONE_TIMEOUT_MS = 180_000;

/** How each peer's logger is run: its pipeline, its current file, and the pid whose CPU counts. */
const LOGGERS = {
  daemontools: {
    label: 'multilog s10000000 n5',
    pipeline: (dir) => ['/usr/bin/multilog', 's10000000', 'n5', dir],
    current: (dir) => join(dir, 'current'),
  },
  runit: {
    label: 'svlogd (s10000000, n5)',
    prepare: (dir) => writeFileSync(join(dir, 'config'), 's10000000\nn5\n'),
    pipeline: (dir) => ['/usr/bin/svlogd', dir],
    current: (dir) => join(dir, 'current'),
  },
  s6: {
    label: 's6-log n5 s10000000',
    pipeline: (dir) => ['/usr/bin/s6-log', 'n5', 's10000000', dir],
    current: (dir) => join(dir, 'current'),
  },
};

/** Whether the last 100-byte line of `path` is the writer's END line. */
function endsWithEnd(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = statSync(path).size;
    if (size < 100) return false;
    const tail = Buffer.alloc(100);
    readSync(fd, tail, 0, 100, size - 100);
    return tail.toString('latin1').startsWith('END ');
  } finally {
    closeSync(fd);
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function killTree(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Lets the writer go, waits for the END line in `current`; returns wall ms and the logger's CPU ms (null without one). */
async function timeRun(go, current, loggerPid) {
  const ticksBefore = loggerPid === null ? 0 : cpuTicks(loggerPid);
  const startedAt = monoNow();
  writeFileSync(go, '');
  await waitFor(() => endsWithEnd(current), { what: `the last line in ${current}`, timeoutMs: DONE_TIMEOUT_MS, intervalMs: 5 });
  const wallMs = nsToMs(monoNow() - startedAt);
  const cpuMs = loggerPid === null ? null : ((cpuTicks(loggerPid) - ticksBefore) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { wallMs, cpuMs };
}

/** A C logger (or none: the plain file) behind a shell pipeline, the writer in front. */
async function runPipeline(writer, dir, logger) {
  mkdirSync(dir, { recursive: true });
  const go = join(dir, 'go');
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  logger?.prepare?.(logDir);
  const script = logger
    ? `exec 2>/dev/null; "$0" ${TOTAL_BYTES} "$1" | exec ${logger.pipeline(logDir).map((arg) => `'${arg}'`).join(' ')}`
    : `exec "$0" ${TOTAL_BYTES} "$1" > "$2"`;
  const plain = join(logDir, 'plain');
  const shell = spawn('/bin/sh', ['-c', script, writer, go, plain], { stdio: 'ignore', detached: true });
  const pids = () => [shell.pid, ...childrenOf(shell.pid)];
  try {
    let loggerPid = null;
    if (logger) {
      const name = logger.pipeline(logDir)[0].split('/').pop();
      loggerPid = await waitFor(() => childrenOf(shell.pid).find((pid) => commOf(pid) === name), { what: `${name} to run`, timeoutMs: 5000 });
    }
    return await timeRun(go, logger ? logger.current(logDir) : plain, loggerPid);
  } finally {
    killTree(pids());
    await sleep(50);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runOurs(writer, dir) {
  mkdirSync(dir, { recursive: true });
  const go = join(dir, 'go');
  const conf = join(dir, 'supervise.conf');
  writeFileSync(conf, '[global]\noutput_max_bytes : 10M\noutput_backups : 5\n');
  const statusDir = join(dir, 'status', 'w');
  const started = spawn(SUPERVISE, ['-F', conf, '-u', statusDir, writer, String(TOTAL_BYTES), go], { stdio: 'ignore' });
  await new Promise((resolve) => started.on('exit', resolve));
  const daemonPid = JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8')).supervisePid;
  const servicePid = JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8')).pid;
  try {
    return await timeRun(go, join(statusDir, '__stdout'), daemonPid);
  } finally {
    killTree([daemonPid, servicePid].filter(Boolean));
    await sleep(50);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runSupervisord(writer, dir) {
  mkdirSync(dir, { recursive: true });
  const go = join(dir, 'go');
  const ini = join(dir, 'supervisord.ini');
  const logFile = join(dir, 'w.log');
  writeFileSync(
    ini,
    [
      `[supervisord]\nnodaemon=true\nuser=root\nlogfile=${join(dir, 'supervisord.log')}\npidfile=${join(dir, 'supervisord.pid')}\n`,
      `[program:w]\ncommand=${writer} ${TOTAL_BYTES} ${go}\nautorestart=false\nstartsecs=0\n` +
        `stdout_logfile=${logFile}\nstdout_logfile_maxbytes=10MB\nstdout_logfile_backups=5\n`,
    ].join('\n'),
  );
  const supervisord = spawn('/usr/bin/supervisord', ['-c', ini], { stdio: 'ignore' });
  try {
    await waitFor(() => childrenOf(supervisord.pid).length > 0 || undefined, { what: 'supervisord to start the writer', timeoutMs: 10_000 });
    return await timeRun(go, logFile, supervisord.pid);
  } finally {
    killTree([...childrenOf(supervisord.pid), supervisord.pid]);
    await sleep(50);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The group of bench/lib/metrics.mjs: a few rounds, every peer and the floor in each. */
export async function measureThroughput(ctx) {
  if (!ctx.wants('throughput-wall') && !ctx.wants('throughput-cpu')) return;
  const writer = buildLineWriter(ctx.log);
  const rounds = ctx.plan.throughputRounds;
  for (let round = 1; round <= rounds; round += 1) {
    for (const peer of ctx.peers) {
      if (peer.skipThroughput) continue;
      const dir = join(ctx.root, `throughput-${peer.id}-${round}`);
      ctx.progress(`throughput ${round}/${rounds}: ${peer.id}`);
      try {
        let result;
        if (peer.id === 'ours') result = await runOurs(writer, dir);
        else if (peer.id === 'supervisord') result = await runSupervisord(writer, dir);
        else result = await runPipeline(writer, dir, LOGGERS[peer.id]);
        ctx.record('throughput-wall', peer.id, result.wallMs);
        ctx.record('throughput-cpu', peer.id, result.cpuMs / PER_100MB);
      } catch (error) {
        ctx.fail(['throughput-wall', 'throughput-cpu'], peer.id, error);
      }
    }
    if (ctx.wants('throughput-floor') && ctx.peers.some((peer) => peer.id === 'ours')) {
      try {
        const floor = await runPipeline(writer, join(ctx.root, `throughput-floor-${round}`), null);
        ctx.record('throughput-floor', 'ours', floor.wallMs);
      } catch (error) {
        ctx.fail(['throughput-floor'], 'ours', error);
      }
    }
  }
}

export const THROUGHPUT_LOGGERS = Object.fromEntries([
  ['ours', 'supervise output_max_bytes 10M, output_backups 5'],
  ...Object.entries(LOGGERS).map(([id, logger]) => [id, logger.label]),
  ['supervisord', 'stdout_logfile_maxbytes=10MB'],
]);
