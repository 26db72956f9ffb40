// SPEC section 11: the service is every process of its session. A stop, a
// crash, an exit and a SIGKILL of supervise leave nothing of it running, and
// nothing that is not the service's is ever signalled. The fixture is a real
// tree (test/fixtures/process-tree.sh): background children, one ignoring
// TERM, a grandchild in a process group of its own, each stamping its start
// and exit; `pgrep -s` is the tool scripts use to see a session.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcStat, ticksToUnixMs } from '../../../src/io/proc-process.js';
import { countRoles, expectSessionToHold, killTreeAfterTest, pgrepSession, PROCESS_TREE, readStamps, runningTree, TREE_ROLES } from '../../helpers/process-tree.js';
import {
  FIXTURES,
  isAlive,
  readLog,
  readStatus,
  readStatusJson,
  runCommand,
  startSupervised,
  SUPERVISE_BIN,
  SUPERVISECTL_BIN,
  waitForDaemonExit,
  waitForServicePid,
} from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { waitFor } from '../../helpers/wait-for.js';

/** stop_timeout 1: the stubborn child gets KILL 1 s after TERM instead of the default 5 s. */
function config(lines: string): string {
  const path = join(makeTempDir(), 'supervise.conf');
  writeFileSync(path, `[global]\n${lines}\n`);
  return path;
}

/** One tree, all five roles running once, each past its start stamp (its TERM trap is set by then). */
async function oneTree(stamps: string): Promise<void> {
  let seen = '';
  try {
    await waitFor(
      () => {
        const stamped = new Set(readStamps(stamps).filter((s) => s.what === 'start').map((s) => s.pid));
        const running = runningTree(stamps);
        const counts = countRoles(stamps);
        seen = `${JSON.stringify(counts)}, unstamped ${[...running.keys()].filter((pid) => !stamped.has(pid)).join(' ')}`;
        return TREE_ROLES.every((role) => counts[role] === 1) && [...running.keys()].every((pid) => stamped.has(pid));
      },
      { what: `one whole tree writing ${stamps}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; roles running: ${seen}`);
  }
}

async function startTree(configLines = 'stop_timeout : 1') {
  const stamps = join(makeTempDir(), 'stamps');
  let daemon = 0;
  killTreeAfterTest(stamps, () => [daemon]);
  const started = await startSupervised([PROCESS_TREE, stamps], { args: ['-F', config(configLines)] });
  daemon = started.daemonPid;
  await oneTree(stamps);
  return { ...started, stamps };
}

function ctl(...args: string[]) {
  return runCommand(SUPERVISECTL_BIN, args);
}

describe('the service is its whole session (kill_mode mixed, the default)', () => {
  it('after supervisectl stop --wait, pgrep -s <supervise pid> prints only supervise', async () => {
    const { dir, daemonPid, stamps } = await startTree();
    expect(pgrepSession(daemonPid).length).toBeGreaterThan(5);
    const stopped = await ctl('stop', '--wait=20', dir);
    expect(stopped).toMatchObject({ code: 0, stderr: '' });
    await expectSessionToHold(daemonPid, [daemonPid]);
    expect(runningTree(stamps).size).toBe(0);
    // TERM ended those that take it; the stubborn one needed KILL after the grace.
    const exits = readStamps(stamps).filter((s) => s.what === 'exit').map((s) => s.role).sort();
    expect(exits).toEqual(['child', 'grandchild', 'main', 'parent']);
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/processes of session \d+ still running 1 s after TERM, sending KILL/);
    const status = await ctl('status', '--json', dir);
    expect(JSON.parse(status.stdout)[0]).toMatchObject({ pid: 0, processes: [], session: daemonPid });
  });

  it('status --json lists the processes of the service, the same as pgrep -s does without supervise', async () => {
    const { dir, daemonPid } = await startTree();
    const listed = JSON.parse((await ctl('status', '--json', dir)).stdout)[0].processes as number[];
    expect(listed).toEqual(pgrepSession(daemonPid).filter((pid) => pid !== daemonPid));
  });

  it('after kill -9 of the service pid, every leftover is gone before the new start, by the tree\'s own stamps', async () => {
    const { dir, servicePid, stamps } = await startTree();
    process.kill(servicePid, 'SIGKILL');
    const next = await waitForServicePid(dir, servicePid, 15_000);
    await oneTree(stamps);
    const stamped = readStamps(stamps);
    // The new main found none of the old tree running as it started.
    expect(stamped.filter((s) => s.what === 'alive-at-start')).toEqual([]);
    const newStart = stamped.findIndex((s) => s.what === 'start' && s.pid === next);
    for (const role of ['child', 'grandchild', 'parent']) {
      const exit = stamped.findIndex((s) => s.what === 'exit' && s.role === role);
      expect(exit, `exit of ${role} in ${JSON.stringify(stamped)}`).toBeGreaterThanOrEqual(0);
      expect(exit, `exit of ${role} before the new start`).toBeLessThan(newStart);
    }
    await waitForLog(dir, /session \d+ empty after KILL/);
  });

  it('exit (d then x) leaves neither the service nor supervise', async () => {
    const { dir, daemonPid, stamps } = await startTree();
    const exited = await ctl('exit', '--wait=20', dir);
    expect(exited).toMatchObject({ code: 0, stderr: '' });
    expect(isAlive(daemonPid)).toBe(false);
    await expectSessionToHold(daemonPid, []);
    expect(runningTree(stamps).size).toBe(0);
  });

  it("supervise's own SIGTERM sweeps the tree before it exits", async () => {
    const { daemonPid, stamps } = await startTree();
    process.kill(daemonPid, 'SIGTERM');
    await waitForDaemonExit(daemonPid, 15_000);
    await expectSessionToHold(daemonPid, []);
    expect(runningTree(stamps).size).toBe(0);
  });

  it('kill_mode all sends d to every process: the whole tree hears TERM at once', async () => {
    const { dir, daemonPid, stamps } = await startTree('stop_timeout : 1\nkill_mode : all');
    expect((await ctl('stop', '--wait=20', dir)).code).toBe(0);
    await expectSessionToHold(daemonPid, [daemonPid]);
    expect(readStamps(stamps).filter((s) => s.what === 'exit')).toHaveLength(4);
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/still running 1 s after TERM, sending KILL/);
  });
});

describe('kill_mode process: the C supervise', () => {
  it('leaves the children running after the service pid is stopped', async () => {
    const { dir, servicePid, stamps } = await startTree('kill_mode : process');
    expect((await ctl('stop', '--wait=10', dir)).code).toBe(0);
    expect(isAlive(servicePid)).toBe(false);
    expect(countRoles(stamps)).toEqual({ child: 1, stubborn: 1, parent: 1, grandchild: 1 });
  });
});

describe('after a SIGKILL of supervise', () => {
  it('a new supervise stops the whole old tree first, with one WARNING naming the pids: exactly one tree runs', async () => {
    const { dir, daemonPid, stamps } = await startTree();
    const old = [...runningTree(stamps).keys()];
    process.kill(daemonPid, 'SIGKILL');
    await waitForDaemonExit(daemonPid);
    const again = await startSupervised([PROCESS_TREE, stamps], { dir, args: ['-F', config('stop_timeout : 1')] });
    killTreeAfterTest(stamps, () => [again.daemonPid]);
    await oneTree(stamps);
    expect(old.filter((pid) => runningTree(stamps).has(pid))).toEqual([]);
    const warning = readLog(dir, 'supervise.log.wf').split('\n').filter((line) => line.includes('previous supervise'));
    expect(warning).toHaveLength(1);
    for (const pid of old) expect(warning[0]).toContain(String(pid));
  });

  it('holds for a kill between the spawn and the status write', async () => {
    const stamps = join(makeTempDir(), 'stamps');
    const dir = join(makeTempDir(), 'status', 'tree');
    const daemons: number[] = [];
    killTreeAfterTest(stamps, () => daemons);
    // The test-only switch holds the daemon for 30 s right after the spawn, before `status` names the pid.
    const first = runCommand(SUPERVISE_BIN, ['-F', config('stop_timeout : 1'), '-u', dir, PROCESS_TREE, stamps], {
      env: { ...process.env, SUPERVISE_TEST_SPAWN_PAUSE_MS: '30000' },
      timeoutMs: 60_000,
    });
    await oneTree(stamps);
    // status.json was written before the spawn; `status` not yet.
    const daemon = readStatusJson(dir).supervisePid;
    daemons.push(daemon);
    expect(readStatusJson(dir).pid).toBe(0);
    expect(() => readStatus(dir)).toThrow();
    process.kill(daemon, 'SIGKILL');
    await first;
    const old = [...runningTree(stamps).keys()];
    expect(old.length).toBeGreaterThanOrEqual(5);
    const again = await startSupervised([PROCESS_TREE, stamps], { dir, args: ['-F', config('stop_timeout : 1')] });
    daemons.push(again.daemonPid);
    await oneTree(stamps);
    expect(old.filter((pid) => runningTree(stamps).has(pid))).toEqual([]);
    expect(readLog(dir, 'supervise.log.wf')).toMatch(/the previous supervise's session still holds pids/);
  });

  it('never signals a process of that session that started before the dead supervise, nor one of another session', async () => {
    const dir = join(makeTempDir(), 'status', 'other');
    // A session whose leader has exited: `before` starts at once, `after` when told, then the leader exits.
    const holder = spawn('setsid', ['bash', '-c', 'sleep 1001 & echo $!; read _; sleep 1002 & echo $!; exit 0'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    holder.stdout.on('data', (chunk) => (out += chunk));
    const bystander = spawn('sleep', ['1003'], { stdio: 'ignore' });
    const started: number[] = [];
    const cleanup = () => {
      for (const pid of [...started, bystander.pid ?? 0, holder.pid ?? 0]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    };
    try {
      const before = await waitFor(() => (/^\d+\n/.test(out) ? Number(out.split('\n')[0]) : undefined), { what: 'the first sleep' });
      started.push(before);
      const startOf = (pid: number) => ticksToUnixMs((readProcStat(pid) as { startTicks: number }).startTicks);
      const session = (readProcStat(before) as { sessionId: number }).sessionId;
      // /proc counts 10 ms ticks: 100 ms apart, the two starts are told apart for sure.
      const spawnedBefore = Date.now();
      await waitFor(() => Date.now() > spawnedBefore + 100 || undefined, { what: '100 ms after the first sleep' });
      holder.stdin.end('go\n');
      const after = await waitFor(() => (out.split('\n').length > 2 ? Number(out.split('\n')[1]) : undefined), { what: 'the second sleep' });
      started.push(after);
      await waitFor(() => !isAlive(holder.pid ?? 0) || undefined, { what: 'the session leader gone' });
      // The dead supervise "started" between the two, on /proc's own clock, as supervise records it:
      // `before` belongs to a session that merely got the same number.
      const superviseStartedAt = (startOf(before) + startOf(after)) / 2;
      expect(startOf(after) - startOf(before)).toBeGreaterThanOrEqual(50);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'status.json'),
        JSON.stringify({ supervisePid: session, superviseStartedAt: new Date(superviseStartedAt).toISOString(), session }),
      );
      const fresh = await startSupervised([join(FIXTURES, 'forever.sh')], { dir });
      await waitFor(() => !isAlive(after) || undefined, { what: `pid ${after}, started after the recorded supervise, stopped` });
      expect(isAlive(before)).toBe(true);
      expect(isAlive(bystander.pid ?? 0)).toBe(true);
      const warning = readLog(dir, 'supervise.log.wf');
      expect(warning).toContain(`session still holds pids ${after};`);
      expect(isAlive(fresh.servicePid)).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe('supervise --foreground: the service in a session of its own', () => {
  it("a stop ends the service's tree and never touches the caller's session", async () => {
    const stamps = join(makeTempDir(), 'stamps');
    const dir = join(makeTempDir(), 'status', 'fg');
    // The caller: a shell leading its own session, with a process of its own next to supervise.
    const caller = spawn(
      'setsid',
      ['bash', '-c', `sleep 1004 & "$0" --foreground -F "$1" -u "$2" "$3" "$4"; wait`, SUPERVISE_BIN, config('stop_timeout : 1'), dir, PROCESS_TREE, stamps],
      { stdio: 'ignore' },
    );
    const callerSession = await waitFor(() => (caller.pid && readProcStat(caller.pid)?.sessionId === caller.pid ? caller.pid : undefined), {
      what: 'the caller leading its session',
    });
    killTreeAfterTest(stamps, () => [callerSession]);
    await oneTree(stamps);
    const json = await waitFor(() => {
      try {
        const read = readStatusJson(dir);
        return read.pid !== 0 ? read : undefined;
      } catch {
        return undefined;
      }
    }, { what: 'status.json with the service pid' });
    expect(json.session).toBe(json.pid);
    expect(readProcStat(json.supervisePid)?.sessionId).toBe(callerSession);
    const callersBefore = pgrepSession(callerSession);
    expect(callersBefore).toContain(json.supervisePid);
    expect(pgrepSession(json.pid).length).toBeGreaterThan(5);

    expect((await ctl('stop', '--wait=20', dir)).code).toBe(0);
    await expectSessionToHold(json.pid, []);
    expect(runningTree(stamps).size).toBe(0);
    expect(pgrepSession(callerSession)).toEqual(callersBefore);

    process.kill(json.supervisePid, 'SIGTERM');
    await waitForDaemonExit(json.supervisePid);
  });
});

describe('a service that forks into the background', () => {
  it('exits 0 within 1 s and gets the WARNING saying so and how to run it in the foreground', async () => {
    const stamps = join(makeTempDir(), 'stamps');
    const { dir } = await startSupervised(['sh', '-c', `"$0" "$1" child & exit 0`, PROCESS_TREE, stamps]);
    killTreeAfterTest(stamps, () => [readStatusJson(dir).supervisePid]);
    const text = await waitForLog(dir, /probably forked into the background/, 'supervise.log.wf');
    expect(text).toMatch(/exited with code 0 \d\.\d s after its start: it probably forked into the background.*nginx -g 'daemon off;'/);
    // Its "daemon" was one of its processes, so the sweep took it.
    await waitForLog(dir, /left 1 process(es)? in session|session \d+ empty after TERM/);
  });
});

describe('the Baidu svc script, unchanged: it kills the session itself', () => {
  const svc = join(FIXTURES, 'svc-style.sh');

  it('restart: one fresh tree, none of the old', async () => {
    const { dir, servicePid, stamps } = await startTree();
    const old = [...runningTree(stamps).keys()];
    const result = await runCommand(svc, [dir, 'restart']);
    expect(result.stdout).toMatch(/restarted: \d+ -> \d+/);
    expect(result.code).toBe(0);
    await waitForServicePid(dir, servicePid);
    await oneTree(stamps);
    expect(old.filter((pid) => runningTree(stamps).has(pid))).toEqual([]);
    expect(readStatus(dir).alarmsOn).toBe(true);
  });

  it('exit: neither the tree nor supervise is left', async () => {
    const { dir, daemonPid, stamps } = await startTree();
    const result = await runCommand(svc, [dir, 'exit']);
    expect(result).toMatchObject({ code: 0, stdout: 'stopped\n' });
    await waitForDaemonExit(daemonPid);
    await expectSessionToHold(daemonPid, []);
    expect(runningTree(stamps).size).toBe(0);
  });
});

describe('supervisectl exit on a running service', () => {
  it('writes d then x, so it does not wait for a service that never stops by itself', async () => {
    const { dir, daemonPid } = await startSupervised([join(FIXTURES, 'forever.sh')]);
    const result = await ctl('exit', '--wait=5', dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(isAlive(daemonPid)).toBe(false);
    expect(readStatus(dir).pid).toBe(0);
  });
});
