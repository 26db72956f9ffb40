// `supervisectl serve [--listen ADDR:PORT] [--token-file F] DIR...` (SPEC
// section 14): runs in the foreground until SIGINT or SIGTERM.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { describeCause } from '../core/supervise-error.js';
import type { CtlContext } from '../ctl/ctl-context.js';
import { CtlError } from '../ctl/ctl-error.js';
import { SUCCEEDED, type DirOutcome } from '../ctl/dir-outcome.js';
import { classifyServedDirs } from './list-services.js';
import { formatHostPort, type ListenAddress } from './listen-address.js';
import { readTokenFile } from './read-token-file.js';
import { createServeHandler } from './serve-routes.js';

export interface ServeRequest {
  readonly listen: ListenAddress;
  readonly tokenFile: string | null;
  readonly dirs: readonly string[];
}

export async function runServe(request: ServeRequest, context: CtlContext): Promise<DirOutcome[]> {
  const dirs = classifyServedDirs(request.dirs);
  const token = request.tokenFile === null ? null : readTokenFile(request.tokenFile);
  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000 },
    createServeHandler({ dirs, listenHost: request.listen.host, token, complain: context.complain }),
  );
  const where = formatHostPort(request.listen.host, request.listen.port);
  try {
    server.listen(request.listen.port, request.listen.host);
    await once(server, 'listening');
  } catch (error) {
    throw new CtlError('system', `unable to listen on ${where}: ${describeCause(error)}`, { cause: error });
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : request.listen.port;
  // stdout, one line: a script that asked for port 0 learns the port here.
  context.writeOut(
    `serving ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'} on http://${formatHostPort(request.listen.host, port)}/ ` +
      `(${token === null ? 'read-only' : 'POST with the token'})\n`,
  );
  if (!context.signal.aborted) await once(context.signal, 'abort');
  server.close();
  server.closeAllConnections();
  return [SUCCEEDED];
}
