import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB writes, by the X-Amz-Target operation their request names. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/**
 * An HTTP proxy in front of DynamoDB Local, one port per function (`--faults` only), that plays
 * what the network between a Lambda and DynamoDB does in AWS:
 * - it loses the answer to a share of the writes: the request reaches the table and lands, then
 *   the connection drops before the answer arrives (a timeout, a reset), and the SDK retries;
 * - it cuts one function off the store (its connections are reset), as a network fault would,
 *   while the others still reach it.
 * Everything else passes through unchanged; when DynamoDB Local is down, connections drop as they would.
 */
export class DynamoDbFaultProxy {
  /** The share of writes whose answer is lost, from 0 to 1. */
  lossRate = 0;
  /** Functions (by the name they were given a port under) that cannot reach the store. */
  readonly cutOff = new Set<string>();
  /** Answers lost so far, by operation. */
  readonly lost: Record<string, number> = {};
  private readonly servers: Server[] = [];

  constructor(private readonly upstreamPort: number) {}

  /** A port of its own for the function `name`: its AWS_ENDPOINT_URL_DYNAMODB. */
  async endpointFor(name: string): Promise<string> {
    const server = createServer((incoming, outgoing) => {
      if (this.cutOff.has(name)) {
        incoming.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const operation =
          String(incoming.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? '';
        const forward = request(
          { host: '127.0.0.1', port: this.upstreamPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (answer: IncomingMessage) => {
            const body: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => body.push(chunk));
            answer.on('end', () => {
              if (WRITES.has(operation) && answer.statusCode === 200 && Math.random() < this.lossRate) {
                this.lost[operation] = (this.lost[operation] ?? 0) + 1;
                incoming.socket.destroy();
                return;
              }
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              outgoing.end(Buffer.concat(body));
            });
          },
        );
        forward.on('error', () => incoming.socket.destroy());
        forward.end(Buffer.concat(chunks));
      });
    });
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }
}
