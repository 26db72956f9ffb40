import { describe, expect, it } from 'vitest';
import { superviseTitle } from '../../../src/io/process-title.js';

describe('superviseTitle', () => {
  it.each([
    [['-p', 'status/redis', '-f', 'redis-server /etc/redis.conf'], 'supervise -p status/redis -f "redis-server /etc/redis.conf"'],
    [['-u', 'status/a', 'sleep', '1000'], 'supervise -u status/a sleep 1000'],
    [['-u', 'd', 'sh', '-c', 'echo "$HOME" `id`', ''], 'supervise -u d sh -c "echo \\"\\$HOME\\" \\`id\\`" ""'],
    [['--foreground', '-u', '/tmp/a=b,c:d@e%f+g', 'x'], 'supervise --foreground -u /tmp/a=b,c:d@e%f+g x'],
  ])('%j', (args, title) => {
    expect(superviseTitle(args)).toBe(title);
  });
});
