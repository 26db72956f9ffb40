import { describe, expect, it } from 'vitest';
import { CommandSyntaxError, splitCommand } from '../../../src/cli/split-command.js';

describe('splitCommand', () => {
  it.each<[string, string[]]>([
    ['./bin/redis-server conf/redis.conf', ['./bin/redis-server', 'conf/redis.conf']],
    ['  a \t b  ', ['a', 'b']],
    [`sh -c 'echo "$HOME"; ls'`, ['sh', '-c', 'echo "$HOME"; ls']],
    [`echo "a b" c`, ['echo', 'a b', 'c']],
    [`echo "say \\"hi\\" \\$x \\n"`, ['echo', 'say "hi" $x \\n']],
    [`echo a\\ b`, ['echo', 'a b']],
    [`echo ''`, ['echo', '']],
    [`echo x""y`, ['echo', 'xy']],
    [`echo $(touch /tmp/x) ; rm -rf ~ *`, ['echo', '$(touch', '/tmp/x)', ';', 'rm', '-rf', '~', '*']],
    ['', []],
  ])('splits %s', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  it.each(["echo 'abc", 'echo "abc', 'echo abc\\'])('rejects %s', (text) => {
    expect(() => splitCommand(text)).toThrow(CommandSyntaxError);
  });
});
