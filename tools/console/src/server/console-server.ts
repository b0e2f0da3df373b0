import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ConsoleHandler } from './console-handler';
import type { ConsoleAnswer } from './console-types';

/** More than any submit the API takes (256 KiB): a larger body is refused before it is read whole. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Writes the console's answer to a Node response. */
export function writeConsoleAnswer(res: ServerResponse, answer: ConsoleAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.status === 304 ? undefined : answer.body);
}

/** The console on its own port (`npx async-jobs console --env <env>`): loopback only, since it signs as its user. */
export function startConsoleServer(options: { port: number; handler: ConsoleHandler; onError: (error: Error) => void }): Promise<Server> {
  const server = createServer((req, res) => {
    serve(options.handler, req, res).catch((error: Error) => {
      options.onError(error);
      writeConsoleAnswer(res, {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'The console server failed' } }),
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

async function serve(handler: ConsoleHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The console takes bodies of at most 1 MiB' } }));
      return;
    }
    chunks.push(chunk);
  }
  const target = req.url ?? '/';
  const path = target.split('?')[0];
  if (path !== '/console' && !path.startsWith('/console/')) {
    // The console's root is /console/, as under the local API's port.
    writeConsoleAnswer(res, { status: 308, headers: { location: '/console/' }, body: '' });
    return;
  }
  writeConsoleAnswer(
    res,
    await handler({
      method: req.method ?? 'GET',
      target,
      headers: req.headers,
      body: Buffer.concat(chunks),
      remoteAddress: req.socket.remoteAddress,
    }),
  );
}
