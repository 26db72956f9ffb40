// `supervisectl serve` over real HTTP against real supervise daemons: the
// API, its guards (token, origin, Host, read-only), the token file checks and
// where it listens (ss).
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServe, writeTokenFile } from '../../helpers/serve-process.js';
import {
  FOREVER,
  SUPERVISECTL_BIN,
  readStatus,
  runCommand,
  startSupervised,
  waitForDaemonExit,
  writeControl,
} from '../../helpers/supervise-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { createUnprivilegedUser } from '../../helpers/unprivileged-user.js';
import { waitFor } from '../../helpers/wait-for.js';

type Service = Record<string, unknown> & { module: string; statusDir: string };

async function getServices(origin: string, query = ''): Promise<Service[]> {
  const response = await fetch(`${origin}/api/services${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Service[];
}

function post(origin: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}${path}`, { method: 'POST', headers });
}

describe('supervisectl serve: GET', () => {
  it('/api/services is what status --json prints, a SCANDIR standing for its NAME/supervise, seen afresh on every request', async () => {
    const root = makeTempDir();
    const redis = await startSupervised([FOREVER], { dir: join(root, 'status', 'redis') });
    const nginx = await startSupervised([FOREVER], { dir: join(root, 'status', 'nginx') });
    const scan = join(root, 'scan');
    const web = await startSupervised([FOREVER], { dir: join(scan, 'web', 'supervise') });
    mkdirSync(join(scan, '.hidden'));
    const serve = await startServe([redis.dir, nginx.dir, scan]);

    const services = await getServices(serve.origin);
    expect(services.map((service) => service.module)).toEqual(['redis', 'nginx', 'web']);
    const printed = await runCommand(SUPERVISECTL_BIN, ['status', '--json', redis.dir, nginx.dir, web.dir]);
    const expected = (JSON.parse(printed.stdout) as Service[]).map((object) => ({ ...object, module: undefined }));
    expect(services.map((service) => ({ ...service, module: undefined }))).toEqual(expected);
    expect(services[2]).toMatchObject({ statusDir: web.dir, pid: web.servicePid, state: 'up', supervised: true });

    // A service added to the SCANDIR later shows without restarting serve.
    const api = await startSupervised([FOREVER], { dir: join(scan, 'api', 'supervise') });
    expect((await getServices(serve.origin)).map((service) => [service.module, service.pid])).toEqual([
      ['redis', redis.servicePid],
      ['nginx', nginx.servicePid],
      ['api', api.servicePid],
      ['web', web.servicePid],
    ]);
  });

  it('?tail=N adds the last lines of __stdout and __stderr; a stopped supervise still has its row', async () => {
    const root = makeTempDir();
    const printer = await startSupervised(['/bin/sh', '-c', 'echo out-1; echo out-2; echo err-1 >&2; exec sleep 1000'], {
      dir: join(root, 'status', 'printer'),
    });
    const gone = await startSupervised([FOREVER], { dir: join(root, 'status', 'gone') });
    writeControl(gone.dir, 'dx');
    await waitForDaemonExit(gone.daemonPid);
    const serve = await startServe([printer.dir, gone.dir]);

    const services = await waitFor(
      async () => {
        const list = await getServices(serve.origin, '?tail=1');
        return (list[0].tail as { stderr: string }).stderr === 'err-1\n' ? list : undefined;
      },
      { what: 'the tail of printer' },
    );
    expect(services[0].tail).toEqual({ stdout: 'out-2\n', stderr: 'err-1\n' });
    expect(services[1]).toMatchObject({ module: 'gone', statusDir: gone.dir, supervised: false, tail: { stdout: '', stderr: '' } });
    expect((await getServices(serve.origin))[0].tail).toBeUndefined();
  });

  it('serves the page with its script as a file of its own under a CSP that forbids inline script', async () => {
    const service = await startSupervised([FOREVER]);
    const serve = await startServe([service.dir]);
    const page = await fetch(`${serve.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    // Every script element loads a file; none carries code.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="/page.js" defer>']);
    expect(html).toMatch(/<script src="\/page.js" defer><\/script>/);
    const script = await fetch(`${serve.origin}/page.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('textContent');
    expect((await fetch(`${serve.origin}/nothing`)).status).toBe(404);
  });

  it('answers only to a loopback Host while it listens on loopback (DNS rebinding)', async () => {
    const service = await startSupervised([FOREVER]);
    const serve = await startServe([service.dir]);
    // fetch will not let a script set Host; curl does.
    const result = await runCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: evil.example', `${serve.origin}/api/services`]);
    expect(result.stdout).toBe('403');
    const local = await runCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: localhost:${serve.port}`, `${serve.origin}/api/services`]);
    expect(local.stdout).toBe('200');
  });

  it('listens on 127.0.0.1:9001 unless told otherwise', async () => {
    const service = await startSupervised([FOREVER]);
    const serve = await startServe([service.dir], { defaultListen: true });
    expect(serve.origin).toBe('http://127.0.0.1:9001');
    const listening = await runCommand('ss', ['-Hltnp', 'sport = :9001']);
    const lines = listening.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\s127\.0\.0\.1:9001\s/);
    expect(lines[0]).toContain(`pid=${serve.pid},`);
    expect(await serve.stop()).toBe(0);
  });
});

describe('supervisectl serve: POST', () => {
  it('needs the token and the same origin; the HTTP status carries the verb exit meaning', async () => {
    const root = makeTempDir();
    const redis = await startSupervised([FOREVER], { dir: join(root, 'status', 'redis') });
    const gone = await startSupervised([FOREVER], { dir: join(root, 'status', 'gone') });
    const { path, token } = writeTokenFile(root);
    const serve = await startServe(['--token-file', path, redis.dir, gone.dir]);
    const auth = { Authorization: `Bearer ${token}` };

    const missing = await post(serve.origin, '/api/services/redis/stop');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="supervise"');
    expect((await post(serve.origin, '/api/services/redis/stop', { Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await post(serve.origin, '/api/services/redis/stop', { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(serve.origin, '/api/services/redis/stop', { ...auth, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // Nothing refused was written into control.
    expect(readStatus(redis.dir)).toMatchObject({ pid: redis.servicePid, want: 'up' });

    const stopped = await post(serve.origin, '/api/services/redis/stop?wait=10', { ...auth, Origin: serve.origin });
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ module: 'redis', verb: 'stop', ok: true });
    expect(readStatus(redis.dir)).toMatchObject({ pid: 0, want: 'down' });

    const started = await post(serve.origin, '/api/services/redis/start?wait=10', auth);
    expect(started.status).toBe(200);
    expect(readStatus(redis.dir).pid).not.toBe(0);
    expect((await post(serve.origin, '/api/services/redis/alarm-off', auth)).status).toBe(200);
    await waitFor(() => readStatus(redis.dir).alarmsOn === false, { what: 'alarms off in redis/status' });

    expect((await post(serve.origin, '/api/services/nobody/stop', auth)).status).toBe(404);
    expect((await post(serve.origin, '/api/services/redis/explode', auth)).status).toBe(404);
    expect((await post(serve.origin, '/api/services/redis/stop?wait=forever', auth)).status).toBe(400);

    writeControl(gone.dir, 'dx');
    await waitForDaemonExit(gone.daemonPid);
    const notRunning = await post(serve.origin, '/api/services/gone/start', auth);
    expect(notRunning.status).toBe(409);
    expect(((await notRunning.json()) as { error: string }).error).toContain('supervise not running');
  });

  it('without --token-file the page is read-only and every POST gets 405', async () => {
    const service = await startSupervised([FOREVER]);
    const serve = await startServe([service.dir]);
    const html = await (await fetch(`${serve.origin}/`)).text();
    expect(html).toContain('data-writable="false"');
    const refused = await post(serve.origin, '/api/services/svc/stop', { Authorization: 'Bearer anything-at-all-123' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('GET, HEAD');
    expect(readStatus(service.dir)).toMatchObject({ pid: service.servicePid, want: 'up' });
  });
});

describe('supervisectl serve: the token file', () => {
  async function serveWith(tokenFile: string, dir: string) {
    return runCommand(SUPERVISECTL_BIN, ['serve', '--listen', '127.0.0.1:0', '--token-file', tokenFile, dir]);
  }

  it('is refused, in one line naming it, when others may read it, when it is not ours, or when the token is short', async () => {
    const root = makeTempDir();
    const service = await startSupervised([FOREVER]);
    const { path } = writeTokenFile(root);

    chmodSync(path, 0o644);
    const open = await serveWith(path, service.dir);
    expect(open.code).toBe(100);
    expect(open.stderr).toBe(`supervisectl: unable to use token file ${path}: mode 0644 is open to group or others; chmod 600 ${path}\n`);

    chmodSync(path, 0o600);
    const user = await createUnprivilegedUser();
    chownSync(path, user.uid, user.gid);
    const foreign = await serveWith(path, service.dir);
    expect(foreign.code).toBe(100);
    expect(foreign.stderr).toBe(`supervisectl: unable to use token file ${path}: owned by uid ${user.uid}, not by uid 0 who runs serve\n`);

    const short = join(root, 'short-token');
    writeFileSync(short, 'secret\n', { mode: 0o600 });
    const weak = await serveWith(short, service.dir);
    expect(weak.code).toBe(100);
    expect(weak.stderr).toMatch(/^supervisectl: unable to use token file .*short-token: the token on its first line has 6 characters, expected at least 16\n$/);

    const absent = await serveWith(join(root, 'absent'), service.dir);
    expect(absent.code).toBe(100);
    expect(absent.stderr).toMatch(/^supervisectl: unable to use token file .*absent: ENOENT: no such file or directory\n$/);
  });

  it('a DIR that is neither a status directory nor a directory is a usage error', async () => {
    const root = makeTempDir();
    const file = join(root, 'file');
    writeFileSync(file, '');
    const result = await runCommand(SUPERVISECTL_BIN, ['serve', '--listen', '127.0.0.1:0', file]);
    expect(result.code).toBe(100);
    expect(result.stderr).toBe(`supervisectl: unable to use ${file}: not a status directory nor a supervise-scan directory\n`);
    const badListen = await runCommand(SUPERVISECTL_BIN, ['serve', '--listen', 'localhost:80', root]);
    expect(badListen.code).toBe(100);
    expect(badListen.stderr).toContain('--listen "localhost:80": expected ADDR:PORT with an IP address');
  });
});
