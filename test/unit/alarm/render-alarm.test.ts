import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, renderAlarm, type AlarmReport } from '../../../src/alarm/render-alarm.js';

// A fixed zone east of UTC, so a subject formatted in UTC by mistake shows up as a wrong hour.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Asia/Shanghai';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

// 2026-11-21T07:51:21Z is 15:51:21 in Shanghai (UTC+8, no daylight saving).
const AT = Date.UTC(2026, 10, 21, 7, 51, 21, 400);

const base: AlarmReport = {
  kind: 'exit',
  host: 'db-01.example.org',
  module: 'redis',
  statusDir: 'status/redis',
  command: ['./bin/redis-server', '--port', '6379', 'conf file.conf'],
  pid: 4242,
  exit: { code: 3, signal: null, coreDumped: false, uptimeMs: 12_345 },
  window: { exits: 1, coreDumps: 0, seconds: 60, openedAt: 0 },
  next: 'restarting in 1 s',
  stderrTail: ['first line', 'error: out of memory'],
  at: AT,
};

describe('renderAlarm subject (golden)', () => {
  it('says the service exited, in local time', () => {
    expect(renderAlarm(base).subject).toBe('2026-11-21 15:51:21 [Alarm: db-01.example.org] Service redis exited!');
  });

  it('says "with coredump" for a core dump', () => {
    const alarm = { ...base, exit: { code: null, signal: 'SIGSEGV', coreDumped: true, uptimeMs: 10 } };
    expect(renderAlarm(alarm).subject).toBe(
      '2026-11-21 15:51:21 [Alarm: db-01.example.org] Service redis exited with coredump!',
    );
  });

  it('says how many exits in how many seconds when supervise gives up', () => {
    const alarm: AlarmReport = { ...base, kind: 'gave-up', window: { exits: 11, coreDumps: 2, seconds: 120, openedAt: 0 } };
    expect(renderAlarm(alarm).subject).toBe(
      '2026-11-21 15:51:21 [Alarm: db-01.example.org] Service redis exited 11 times in 120 s, supervise gave up!',
    );
  });

  it('says the exit code and that it is not restarted for an exit code of no_restart_exit_codes', () => {
    const alarm: AlarmReport = { ...base, kind: 'no-restart', exit: { ...base.exit, code: 78 }, next: 'the service stays down (want down): exit code 78 is in no_restart_exit_codes' };
    const rendered = renderAlarm(alarm);
    expect(rendered.subject).toBe(
      '2026-11-21 15:51:21 [Alarm: db-01.example.org] Service redis exited with code 78, not restarted (no_restart_exit_codes)!',
    );
    expect(rendered.body).toContain('the service stays down (want down): exit code 78 is in no_restart_exit_codes');
  });

  it('does not mention a core dump in a plain signal death', () => {
    const alarm = { ...base, exit: { code: null, signal: 'SIGTERM', coreDumped: false, uptimeMs: 10 } };
    expect(renderAlarm(alarm).subject).toMatch(/Service redis exited!$/);
  });

  it('pads month, day and time fields with zeros', () => {
    const early = new Date(2027, 0, 2, 3, 4, 5).getTime(); // local time
    expect(renderAlarm({ ...base, at: early }).subject).toMatch(/^2027-01-02 03:04:05 \[Alarm: /);
  });
});

describe('renderAlarm host name', () => {
  it.each([
    ['yf-ps-01.yf01.baidu.com', 'yf-ps-01.yf01'],
    ['jx-app.BAIDU.COM', 'jx-app'],
    ['baidu.com.example.org', 'baidu.com.example.org'],
    ['mybaidu.com', 'mybaidu.com'],
    ['localhost', 'localhost'],
  ])('renders %s as %s in the subject and the gsm text', (host, shown) => {
    const rendered = renderAlarm({ ...base, host });
    expect(rendered.subject).toContain(`[Alarm: ${shown}] `);
    expect(rendered.shortText).toBe(`[Alarm: ${shown}] Service redis exited!`);
  });

  it('keeps the full host name in the body', () => {
    expect(renderAlarm({ ...base, host: 'yf-ps-01.baidu.com' }).body).toMatch(/^host: +yf-ps-01\.baidu\.com$/m);
  });
});

describe('renderAlarm body', () => {
  const field = (body: string, label: string): string | undefined =>
    body.split('\n').find((line) => line.startsWith(`${label}:`))?.slice(label.length + 1).trim();

  it('lists every field of the exit', () => {
    const { body } = renderAlarm(base);
    expect(field(body, 'time')).toBe('2026-11-21 15:51:21');
    expect(field(body, 'host')).toBe('db-01.example.org');
    expect(field(body, 'module')).toBe('redis');
    expect(field(body, 'status directory')).toBe('status/redis');
    expect(field(body, 'command')).toBe(`./bin/redis-server --port 6379 'conf file.conf'`);
    expect(field(body, 'pid')).toBe('4242');
    expect(field(body, 'exit')).toBe('exited with code 3');
    expect(field(body, 'ran for')).toBe('12.3 s');
    expect(field(body, 'window')).toBe('1 exit, 0 core dumps in 60 s');
    expect(field(body, 'next')).toBe('restarting in 1 s');
    expect(body).toContain('last 2 lines of __stderr:\n  first line\n  error: out of memory\n');
  });

  it('names the signal and the core dump', () => {
    const alarm: AlarmReport = {
      ...base,
      kind: 'gave-up',
      exit: { code: null, signal: 'SIGABRT', coreDumped: true, uptimeMs: 3_723_000 },
      window: { exits: 6, coreDumps: 1, seconds: 60, openedAt: 0 },
      next: 'supervise gave up and exited',
    };
    const { body } = renderAlarm(alarm);
    expect(field(body, 'exit')).toBe('exited with coredump (SIGABRT)');
    expect(field(body, 'ran for')).toBe('1 h 2 min');
    expect(field(body, 'window')).toBe('6 exits, 1 core dump in 60 s');
    expect(field(body, 'next')).toBe('supervise gave up and exited');
  });

  it('keeps only the last 20 lines of __stderr', () => {
    const stderrTail = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
    const { body } = renderAlarm({ ...base, stderrTail });
    expect(body).toContain('last 20 lines of __stderr:\n  line 6\n');
    expect(body).toContain('  line 25\n');
    expect(body).not.toContain('  line 5\n');
  });

  it('says when __stderr is empty', () => {
    expect(renderAlarm({ ...base, stderrTail: [] }).body).toContain('__stderr: (empty)');
  });

  it('shortens an enormous stderr line', () => {
    const { body } = renderAlarm({ ...base, stderrTail: ['x'.repeat(100_000)] });
    expect(body.length).toBeLessThan(2_000);
  });
});

describe('renderAlarm against injection', () => {
  const evil: AlarmReport = {
    ...base,
    host: 'host\r\nBcc: victim@example.com',
    module: 'redis\r\nBcc: attacker@example.com\r\n\r\nforged body',
    statusDir: 'status/redis\nnext: forged',
    command: ['./app', 'arg\nexit:        exited with code 0', '\u001b[31mred'],
    next: 'restarting in 1 s\u2028pid: 1',
    stderrTail: ['a\rb', 'c\nd', 'tab\there', 'nul\u0000end', 'nel\u0085end'],
  };
  const rendered = renderAlarm(evil);

  it('keeps the subject and the gsm text on one line with no control characters', () => {
    for (const text of [rendered.subject, rendered.shortText]) {
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    expect(rendered.subject).toContain('Service redis\\r\\nBcc: attacker@example.com\\r\\n\\r\\nforged body exited!');
    expect(rendered.subject).toContain('[Alarm: host\\r\\nBcc: victim@example.com]');
  });

  it('cannot forge a line of the body', () => {
    const lines = rendered.body.split('\n');
    // 10 fields, a blank line, the stderr heading, 5 stderr lines, and the empty string after the final newline.
    expect(lines).toHaveLength(10 + 1 + 1 + 5 + 1);
    expect(lines.filter((line) => line.startsWith('next:'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('exit:'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('pid:'))).toHaveLength(1);
    expect(rendered.body).not.toMatch(/[\r\u0000\u001b\u0085\u2028]/);
  });

  it('makes each stderr line a single escaped line, keeping tabs', () => {
    expect(rendered.body).toContain('  a\\rb\n  c\\nd\n  tab\there\n  nul\\x00end\n  nel\\x85end\n');
  });

  it('escapes control characters in command words', () => {
    expect(rendered.body).toContain(`'arg\\nexit:        exited with code 0' '\\x1b[31mred'`);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [450, '450 ms'],
    [1_000, '1 s'],
    [59_999, '59.9 s'],
    [60_000, '1 min 0 s'],
    [303_000, '5 min 3 s'],
    [7_500_000, '2 h 5 min'],
    [3 * 86_400_000 + 4 * 3_600_000 + 5_000, '3 d 4 h'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
