import { describe, expect, it } from 'vitest';
import { guessDaemonRun, splitAtVerbatimCommand } from '../../../src/cli/pre-scan.js';

describe('guessDaemonRun', () => {
  it.each<[string[], ReturnType<typeof guessDaemonRun>]>([
    [['-p', 'status/x', '-f', 'sleep 1'], { statusDir: 'status/x', command: ['sleep', '1'], restartHook: null }],
    [['-F', 'c.conf', '-u', 'status/x', 'app', '-c', 'conf'], { statusDir: 'status/x', command: ['app', '-c', 'conf'], restartHook: null }],
    [['-r', 'hook.sh', '-t', '5', '-p', 'd', '-f', `sh -c 'a b'`], { statusDir: 'd', command: ['sh', '-c', 'a b'], restartHook: 'hook.sh' }],
  ])('guesses an ordinary run %j', (argv, expected) => {
    expect(guessDaemonRun(argv)).toEqual(expected);
  });

  it.each([
    [['-v']], [['-h']], [['--foreground', '-u', 'd', 'app']], [['-p', 'd']], [['-p', 'd', '-f', '  ']],
    [['-p', 'd', '-f', "sh -c 'x"]], [['-p', 'd', '-f', 'x', '--bogus']], [['-u', 'd']], [['-f', 'x']], [['-p']],
    [['-t', 'soon', '-p', 'd', '-f', 'x']], [['-p', 'd', '-p', 'e', '-f', 'x']], [['-p', 'd', '-u', 'e', 'app']],
    [['-f', 'x', '-u', 'd', 'app']], [['-F', '', '-p', 'd', '-f', 'x']],
  ])('leaves %j to the ordinary path', (argv) => {
    expect(guessDaemonRun(argv)).toBeNull();
  });
  // Found by pre-scan-property.test.ts: yargs reads a value that starts with `-`
  // as an option (or a negative number), so it got another directory, a
  // foreground run or a usage error where the pre-scan had launched a daemon.
  it.each([
    [['-p', '--p=q', '-f', 'sleep 1']], // yargs: status directory q
    [['-F', '--foreground', '-u', 'd', 'app']], // yargs: --foreground
    [['-u', '-h', 'app']], // yargs: help
    [['-r', '-5', '-p', 'd', '-f', 'x']], // yargs: -r is the number -5
    [['-u', '-u', 'x', 'app']], // yargs: -u twice, no directory
    [['-p', 'd', '-f', '-x']], // yargs: unknown option -x
  ])('leaves %j, with a value that starts with -, to yargs', (argv) => {
    expect(guessDaemonRun(argv)).toBeNull();
  });
});

describe('splitAtVerbatimCommand', () => {
  it('stops at the directory after -u and never takes an option value for -u', () => {
    expect(splitAtVerbatimCommand(['-u', 'd', '-u', 'x'])).toEqual({ own: ['-u', 'd'], verbatim: ['-u', 'x'] });
    expect(splitAtVerbatimCommand(['-f', '-u', '-p', 'd'])).toEqual({ own: ['-f', '-u', '-p', 'd'], verbatim: null });
  });
});
