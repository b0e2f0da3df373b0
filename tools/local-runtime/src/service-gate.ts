import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP gate in front of a local service, on the port its users know. Closed, it resets every
 * connection, as an unreachable service would; the service behind it can then be restarted and
 * set up again (its resources made) before anyone reaches it, as AWS's would be after an outage.
 */
export class ServiceGate {
  private open = true;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private targetPort: number) {}

  listen(port: number, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
  }

  /** Resets what is connected and every new connection until `openTo`. */
  close(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  openTo(targetPort: number): void {
    this.targetPort = targetPort;
    this.open = true;
  }

  get isOpen(): boolean {
    return this.open;
  }

  async stop(): Promise<void> {
    this.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (!this.open) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ port: this.targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // Either side failing ends both, as a dropped connection does.
      socket.once('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  }
}
