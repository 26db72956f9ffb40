// Issue 16, defect 9, end to end: a signal from supervise explains only an
// exit that follows it soon and cleanly. A service that catches the TERM of
// `t` and then dumps core failed: the exit is logged as a plain exit, alarmed
// by mail to a real SMTP server on 127.0.0.1, and counted in the window.
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitForLog } from '../../helpers/wait-for-log.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FIXTURES, readStatusJson, startSupervised, waitForSignalHandled, writeControl } from '../../helpers/supervise-process.js';

const host = hostname().replace(/\.baidu\.com$/, '');

describe('exits after a signal from supervise', () => {
  it('takes a core dump after t as a failure: no ", expected" in the log, a mail, lastExit.expected false and counted', async () => {
    const sink = await startSmtpSink();
    const conf = join(makeTempDir(), 'supervise.conf');
    writeFileSync(conf, ['[global]', 'alarm_interval : 60', 'alarm_mail : ops@example.com', `mail_transport : ${sink.url}`, ''].join('\n'));
    const marker = join(makeTempDir(), 'term-received');
    const { dir, servicePid } = await startSupervised([join(FIXTURES, 'crash-after-term.sh'), marker], { args: ['-F', conf] });
    await waitForSignalHandled(servicePid, 'SIGTERM');

    writeControl(dir, 't');
    await waitFor(() => existsSync(marker) || undefined, { what: `the service to note the TERM in ${marker}` });
    const log = await waitForLog(dir, new RegExp(`service svc exited with coredump \\(SIGSEGV\\), pid ${servicePid}, ran [\\d.]+ s.*$`, 'm'));
    const exitLine = log.split('\n').find((line) => line.includes(`pid ${servicePid}, ran`));
    expect(exitLine).not.toMatch(/, expected$/);
    expect(exitLine).toMatch(/, not expected: dumped core$/);

    await waitFor(() => sink.messages.length === 1 || undefined, { what: 'the alarm mail' });
    expect(sink.messages[0].parsed.subject?.slice(20)).toBe(`[Alarm: ${host}] Service svc exited with coredump!`);
    // status.json is written with the restart; wait for the one that holds this exit.
    const status = await waitFor(() => {
      const json = readStatusJson(dir);
      return json.lastExit?.signal === 'SIGSEGV' ? json : undefined;
    }, { what: 'status.json with the SIGSEGV exit' });
    expect(status.lastExit).toMatchObject({ expected: false, coreDumped: true });
    expect(status.alarmWindow).toMatchObject({ exits: 1, coreDumps: 1 });
  });
});
