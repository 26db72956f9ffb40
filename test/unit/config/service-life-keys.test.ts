// SPEC section 15: stop_signal, ready_fd, ready_timeout, restart_delay,
// restart_delay_max, success_exit_codes and no_restart_exit_codes as
// supervise.conf gives them, and each bad value as a WARNING naming the key,
// the value and what was expected, the key keeping its default (issue 13 point 3).
import { describe, expect, it } from 'vitest';
import { createDefaultConfig } from '../../../src/config/config-defaults.js';
import { parseConfig, type ModuleConfig } from '../../../src/config/parse-config.js';

const FILE = '/etc/svc/supervise.conf';

function parse(body: string, module = 'web') {
  return parseConfig(`[global]\n${body}\n`, module, FILE);
}

describe('service life keys: good values', () => {
  const cases: { text: string; expected: Partial<ModuleConfig> }[] = [
    { text: 'stop_signal : QUIT', expected: { stopSignal: 'SIGQUIT' } },
    { text: 'stop_signal : SIGUSR1', expected: { stopSignal: 'SIGUSR1' } },
    { text: 'stop_signal : int', expected: { stopSignal: 'SIGINT' } },
    { text: 'ready_fd : 3', expected: { readyFd: 3 } },
    { text: 'ready_fd : 1023', expected: { readyFd: 1023 } },
    { text: 'ready_timeout : 30', expected: { readyTimeout: 30 } },
    { text: 'restart_delay : 2.5', expected: { restartDelay: 2.5 } },
    { text: 'restart_delay : 0.1', expected: { restartDelay: 0.1 } },
    { text: 'restart_delay : 2\nrestart_delay_max : 60', expected: { restartDelay: 2, restartDelayMax: 60 } },
    { text: 'success_exit_codes : 0 3, 4', expected: { successExitCodes: [0, 3, 4] } },
    { text: 'no_restart_exit_codes : 78 78', expected: { noRestartExitCodes: [78] } },
  ];
  it.each(cases)('$text', ({ text, expected }) => {
    const result = parse(text);
    expect(result.warnings).toEqual([]);
    expect(result.config).toEqual({ ...createDefaultConfig(), ...expected });
  });

  it("a module's own section after [global] replaces [global]'s values, lists included", () => {
    const text = '[global]\nsuccess_exit_codes : 3\nstop_signal : INT\n[web]\nsuccess_exit_codes : 4\nstop_signal : QUIT\n';
    const { config } = parseConfig(text, 'web', FILE);
    expect(config.successExitCodes).toEqual([4]);
    expect(config.stopSignal).toBe('SIGQUIT');
  });

  it('logs every value in force', () => {
    const loaded = parse('ready_fd : 5\nrestart_delay_max : 30\nno_restart_exit_codes : 78 64').loaded;
    expect(loaded).toContain('ready_fd = 5 (from [global])');
    expect(loaded).toContain('restart_delay_max = 30 (from [global])');
    expect(loaded).toContain('no_restart_exit_codes = 78 64 (from [global])');
  });
});

describe('service life keys: bad values are a WARNING naming key, value and expectation; the default stays', () => {
  const line = `unable to parse ${FILE} line 2:`;
  const cases: { text: string; warning: string; field: keyof ModuleConfig }[] = [
    { text: 'ready_fd : 1', field: 'readyFd', warning: `${line} ready_fd "1": expected a descriptor number from 3 to 1023 (0, 1 and 2 are the service's stdin, stdout and stderr); ignoring it` },
    { text: 'ready_fd : 2000', field: 'readyFd', warning: `${line} ready_fd "2000": expected a descriptor number from 3 to 1023 (0, 1 and 2 are the service's stdin, stdout and stderr); ignoring it` },
    { text: 'restart_delay : -1', field: 'restartDelay', warning: `${line} restart_delay "-1": expected a number of seconds from 0.1 to 2147483, such as 1 or 2.5; ignoring it` },
    { text: 'restart_delay : 0', field: 'restartDelay', warning: `${line} restart_delay "0": expected a number of seconds from 0.1 to 2147483, such as 1 or 2.5; ignoring it` },
    { text: 'restart_delay : 5s', field: 'restartDelay', warning: `${line} restart_delay "5s": expected a number of seconds from 0.1 to 2147483, such as 1 or 2.5; ignoring it` },
    { text: 'restart_delay_max : -30', field: 'restartDelayMax', warning: `${line} restart_delay_max "-30": expected a number of seconds from 0.1 to 2147483, such as 1 or 2.5; ignoring it` },
    { text: 'ready_timeout : -5', field: 'readyTimeout', warning: `${line} ready_timeout "-5" is not a whole number from 0 to 2147483; ignoring it` },
    { text: 'stop_signal : STOP', field: 'stopSignal', warning: `${line} stop_signal "STOP": expected one of TERM, INT, QUIT, HUP, USR1, USR2, KILL; ignoring it` },
    { text: 'success_exit_codes : 0 256', field: 'successExitCodes', warning: `${line} success_exit_codes "0 256": expected exit codes from 0 to 255, separated by spaces or commas; ignoring it` },
    { text: 'no_restart_exit_codes : EX_CONFIG', field: 'noRestartExitCodes', warning: `${line} no_restart_exit_codes "EX_CONFIG": expected exit codes from 0 to 255, separated by spaces or commas; ignoring it` },
  ];
  it.each(cases)('$text', ({ text, warning, field }) => {
    const result = parse(text);
    expect(result.warnings).toEqual([warning]);
    expect(result.config[field]).toEqual(createDefaultConfig()[field]);
  });

  it('restart_delay_max not above restart_delay: a WARNING, and the delay does not double', () => {
    const result = parse('restart_delay : 10\nrestart_delay_max : 5');
    expect(result.warnings).toEqual([`restart_delay_max 5 is not above restart_delay 10 in ${FILE}; ignoring it: the delay does not double`]);
    expect(result.config.restartDelay).toBe(10);
    expect(result.config.restartDelayMax).toBeNull();
  });
});
