// Imported first by every entry point (src/bin), so it runs before anything
// else. Node starts an inspector on 127.0.0.1:9229 when it gets SIGUSR1, and
// the inspector runs whatever code it is sent with our privileges; Node 20 has
// no --disable-sigusr1, but a JS listener replaces Node's own handler. USR2
// would kill us without a word. Both are ignored from here on (the daemon also
// logs them). An inspector already open (a USR1 in Node's first milliseconds,
// or --inspect through NODE_OPTIONS, which bin/ parks) is closed.
import { close, url } from 'node:inspector';

export const IGNORED_SIGNALS = ['SIGUSR1', 'SIGUSR2'] as const;

for (const signal of IGNORED_SIGNALS) process.on(signal, () => {});
if (url() !== undefined) close();
