import { describe, expect, it } from 'vitest';
import { bearerTokenOf, isCrossOrigin, isHostAllowed, tokensMatch } from '../../../src/serve/request-guard.js';

describe('tokensMatch', () => {
  it('matches only the same token, whatever the lengths', () => {
    expect(tokensMatch('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(tokensMatch('abcdefghijklmnoq', 'abcdefghijklmnop')).toBe(false);
    expect(tokensMatch('abc', 'abcdefghijklmnop')).toBe(false);
    expect(tokensMatch('', 'abcdefghijklmnop')).toBe(false);
  });
});

describe('bearerTokenOf', () => {
  it.each([
    [{ authorization: 'Bearer s3cret' }, 's3cret'],
    [{ authorization: 'bearer s3cret' }, 's3cret'],
    [{ authorization: 'Basic czNjcmV0' }, null],
    [{ authorization: 'Bearer' }, null],
    [{}, null],
  ])('%j -> %j', (headers, expected) => {
    expect(bearerTokenOf(headers)).toBe(expected);
  });
});

describe('isHostAllowed', () => {
  it('a loopback listener answers loopback names only (DNS rebinding)', () => {
    expect(isHostAllowed({ host: '127.0.0.1:9001' }, '127.0.0.1')).toBe(true);
    expect(isHostAllowed({ host: 'localhost:9001' }, '127.0.0.1')).toBe(true);
    expect(isHostAllowed({ host: '[::1]:9001' }, '::1')).toBe(true);
    expect(isHostAllowed({ host: 'evil.example:9001' }, '127.0.0.1')).toBe(false);
    expect(isHostAllowed({ host: '10.1.2.3:9001' }, '127.0.0.1')).toBe(false);
    expect(isHostAllowed({}, '127.0.0.1')).toBe(false);
  });

  it('a listener told to face the network answers any name', () => {
    expect(isHostAllowed({ host: 'web1.example:9001' }, '0.0.0.0')).toBe(true);
  });
});

describe('isCrossOrigin', () => {
  const host = '127.0.0.1:9001';
  it.each([
    [{ host }, false],
    [{ host, origin: 'http://127.0.0.1:9001' }, false],
    [{ host, origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'same-origin' }, false],
    [{ host, origin: 'http://evil.example' }, true],
    [{ host, origin: 'http://127.0.0.1:9002' }, true],
    [{ host, origin: 'null' }, true],
    [{ host, 'sec-fetch-site': 'cross-site' }, true],
    [{ host, 'sec-fetch-site': 'same-site' }, true],
    [{ host, origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'cross-site' }, true],
  ])('%j -> %s', (headers, expected) => {
    expect(isCrossOrigin(headers)).toBe(expected);
  });
});
