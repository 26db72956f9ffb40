import { describe, expect, it } from 'vitest';
import { formatHostPort, isLoopback, parseListenAddress } from '../../../src/serve/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9001', { host: '127.0.0.1', port: 9001 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['[::1]:9001', { host: '::1', port: 9001 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ])('reads %s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['localhost:9001', '9001', '127.0.0.1', '::1:9001', '[127.0.0.1]:9001', '127.0.0.1:99999', '127.0.0.1:-1', ''])(
    'refuses %j with a message naming the value',
    (text) => {
      const result = parseListenAddress(text);
      expect(typeof result).toBe('string');
      expect(result).toContain(`--listen ${JSON.stringify(text)}`);
    },
  );
});

describe('formatHostPort and isLoopback', () => {
  it('brackets IPv6 only', () => {
    expect(formatHostPort('::1', 9001)).toBe('[::1]:9001');
    expect(formatHostPort('127.0.0.1', 9001)).toBe('127.0.0.1:9001');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['::', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
