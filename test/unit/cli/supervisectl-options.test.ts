import { describe, expect, it } from 'vitest';
import { parseSupervisectlArgs } from '../../../src/cli/supervisectl-options.js';
import { CtlError } from '../../../src/ctl/ctl-error.js';

function usageMessage(argv: string[]): string {
  try {
    parseSupervisectlArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CtlError);
    expect((error as CtlError).exitCode).toBe(100);
    return (error as CtlError).message;
  }
  throw new Error(`${argv.join(' ')} parsed without a usage error`);
}

describe('parseSupervisectlArgs', () => {
  it.each<[string[], unknown]>([
    [['status', 'a', 'b'], { verb: 'status', json: false, dirs: ['a', 'b'] }],
    [['status', '--json', 'a'], { verb: 'status', json: true, dirs: ['a'] }],
    [['stop', 'a'], { verb: 'control', action: 'stop', waitSeconds: null, dirs: ['a'] }],
    // A bare --wait must not swallow the directory after it.
    [['stop', '--wait', 'a', 'b'], { verb: 'control', action: 'stop', waitSeconds: 7, dirs: ['a', 'b'] }],
    [['restart', 'a', '--wait=2.5'], { verb: 'control', action: 'restart', waitSeconds: 2.5, dirs: ['a'] }],
    [['alarm-signal', 'a'], { verb: 'control', action: 'alarm-signal', waitSeconds: null, dirs: ['a'] }],
    [['alarm', 'off', 'a'], { verb: 'alarm', alarmsOn: false, dirs: ['a'] }],
    [['reload', 'a'], { verb: 'reload', dirs: ['a'] }],
    // Directory names that look like numbers stay strings.
    [['check', '3', '007'], { verb: 'check', dirs: ['3', '007'] }],
    [['logs', 'a'], { verb: 'logs', dir: 'a', stream: 'stdout', lines: 10, follow: false }],
    [['logs', '-f', '-n', '50', '--stderr', 'a'], { verb: 'logs', dir: 'a', stream: 'stderr', lines: 50, follow: true }],
    // serve: 127.0.0.1:9001 unless told otherwise.
    [['serve', 'a', 'b'], { verb: 'serve', listen: { host: '127.0.0.1', port: 9001 }, tokenFile: null, dirs: ['a', 'b'] }],
    [
      ['serve', '--listen', '[::1]:8080', '--token-file', 't', 'a'],
      { verb: 'serve', listen: { host: '::1', port: 8080 }, tokenFile: 't', dirs: ['a'] },
    ],
  ])('%j', (argv, options) => {
    expect(parseSupervisectlArgs(argv)).toEqual(options);
  });

  it.each<[string[], RegExp]>([
    [[], /name a verb/],
    [['bogus', 'a'], /unknown verb "bogus"/],
    [['stop'], /not enough/i],
    [['stop', '--wait=soon', 'a'], /--wait expects seconds >= 0, got "soon"/],
    [['stop', '--wait=-1', 'a'], /--wait expects seconds >= 0, got "-1"/],
    [['status', '--colour', 'a', 'b'], /unknown argument/i],
    [['alarm', 'maybe', 'a'], /maybe/],
    [['logs', '--stderr', '--stdout', 'a'], /mutually exclusive/],
    [['logs', 'a', 'b'], /unknown argument: b/i],
    [['logs', '-n', '1.5', 'a'], /-n expects a whole number/],
    [['serve', '--listen', 'localhost:9001', 'a'], /--listen "localhost:9001": expected ADDR:PORT with an IP address/],
    [['serve', '--listen', '127.0.0.1:70000', 'a'], /port 70000 is above 65535/],
  ])('%j is a usage error', (argv, message) => {
    const text = usageMessage(argv);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('hands back the help text listing every verb with an example instead of printing it', () => {
    const options = parseSupervisectlArgs(['--help']);
    expect(options.verb).toBe('help');
    const text = options.verb === 'help' ? options.text : '';
    for (const verb of ['status', 'start', 'stop', 'once', 'restart', 'pause', 'cont', 'hup', 'alarm-signal', 'int', 'term', 'kill', 'exit', 'alarm', 'reload', 'check', 'logs', 'serve']) {
      expect(text).toMatch(new RegExp(`supervisectl ${verb} <`));
      expect(text).toMatch(new RegExp(`^  supervisectl ${verb} .*status/`, 'm'));
    }
  });
});
