import { describe, expect, it } from 'vitest';
import { controlRequestOf, httpStatusOf, parseVerbPath, parseWaitSeconds } from '../../../src/serve/serve-verbs.js';

describe('controlRequestOf', () => {
  it('writes what the command line verb writes', () => {
    expect(controlRequestOf('stop', null)).toEqual({ letters: 'd', target: 'down', waitSeconds: null });
    expect(controlRequestOf('start', 5)).toEqual({ letters: 'u', target: 'up', waitSeconds: 5 });
    expect(controlRequestOf('restart', null)).toEqual({ letters: 'tcu', target: 'new-pid', waitSeconds: null });
    expect(controlRequestOf('alarm-off', null)).toEqual({ letters: 's', target: 'none', waitSeconds: null });
    expect(controlRequestOf('alarm-on', null)).toEqual({ letters: 'n', target: 'none', waitSeconds: null });
    expect(controlRequestOf('reload', null)).toEqual({ letters: 'r', target: 'none', waitSeconds: null });
  });

  it('knows no other verb, nor inherited property names', () => {
    for (const verb of ['status', 'toString', 'constructor', '__proto__', 'd', 'STOP']) {
      expect(controlRequestOf(verb, null)).toBeNull();
    }
  });
});

describe('parseVerbPath', () => {
  it.each([
    ['/api/services/redis/stop', { module: 'redis', verb: 'stop' }],
    ['/api/services/a%2Fb/start', { module: 'a/b', verb: 'start' }],
    ['/api/services/a/b/start', { module: 'a/b', verb: 'start' }],
    ['/api/services/%3Cimg%20src%3Dx%3E/stop', { module: '<img src=x>', verb: 'stop' }],
    ['/api/services/redis', null],
    ['/api/services/redis/', null],
    ['/api/services//stop', null],
    ['/api/services/%E0%A4%A/stop', null],
    ['/metrics', null],
  ])('%s -> %j', (path, expected) => {
    expect(parseVerbPath(path)).toEqual(expected);
  });
});

describe('parseWaitSeconds and httpStatusOf', () => {
  it('reads wait as --wait does', () => {
    expect(parseWaitSeconds(null)).toBeNull();
    expect(parseWaitSeconds('')).toBe(7);
    expect(parseWaitSeconds('2.5')).toBe(2.5);
    expect(parseWaitSeconds('-1')).toMatch(/wait expects seconds/);
    expect(parseWaitSeconds('601')).toMatch(/wait expects seconds/);
    expect(parseWaitSeconds('x')).toMatch(/"x"/);
  });

  it('maps the exit meaning to a status', () => {
    expect(httpStatusOf({ ok: true })).toBe(200);
    expect(httpStatusOf({ ok: false, code: 'not-running' })).toBe(409);
    expect(httpStatusOf({ ok: false, code: 'timeout' })).toBe(504);
    expect(httpStatusOf({ ok: false, code: 'system' })).toBe(500);
    expect(httpStatusOf({ ok: false, code: 'usage' })).toBe(400);
  });
});
