// Real SMTP servers on 127.0.0.1 for the alarm tests, each closed when the current test finishes.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { onTestFinished } from 'vitest';

export interface ReceivedMail {
  mailFrom: string | null;
  /** RCPT TO addresses of the SMTP envelope. */
  rcptTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  /** Messages in the order their DATA ended; each is parsed before the server answers 250. */
  messages: ReceivedMail[];
  /** Connections the server has accepted. */
  connections: () => number;
}

/** An smtp-server that accepts any mail without authentication, over plain smtp://, or smtps:// with `tls`. */
export async function startSmtpSink(options: { tls?: { key: string; cert: string } } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    ...(options.tls ? { secure: true, ...options.tls } : {}),
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const { mailFrom, rcptTo } = session.envelope;
            messages.push({ mailFrom: mailFrom ? mailFrom.address : null, rcptTo: rcptTo.map((a) => a.address), raw, parsed });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // A client that refuses the certificate ends the handshake: smtp-server reports it as an 'error'.
  if (options.tls) server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;
  return { url: `${options.tls ? 'smtps' : 'smtp'}://127.0.0.1:${port}`, messages, connections: () => connections };
}

export interface SilentServer {
  url: string;
  /** Sockets accepted and not yet closed by the client. */
  openSockets: () => number;
  accepted: () => number;
}

/** Accepts TCP connections and never says a word: no SMTP greeting, no reply. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {}); // the client resetting is expected
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server);
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, openSockets: () => sockets.size, accepted: () => accepted };
}

/** A port on 127.0.0.1 that was just free: listened on, then closed. */
export async function findRefusedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}
