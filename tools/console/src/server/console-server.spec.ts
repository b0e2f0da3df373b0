import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startConsoleServer } from './console-server';
import type { ConsoleRequest } from './console-types';

describe('the console server (of the CLI command console --env)', () => {
  let server: Server;
  let seen: ConsoleRequest[];
  const url = (path: string) => `http://localhost:${(server.address() as AddressInfo).port}${path}`;

  beforeAll(async () => {
    seen = [];
    server = await startConsoleServer({
      port: 0,
      handler: async (request) => (seen.push(request), { status: 200, headers: { 'content-type': 'text/plain' }, body: 'handled' }),
      onError: () => undefined,
    });
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('listens on the loopback address only', () => {
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('hands the console its requests whole, with the peer, and sends anything else to /console/', async () => {
    const answer = await fetch(url('/console/api/jobs?limit=5'), { method: 'POST', body: 'x'.repeat(1000) });
    expect(await answer.text()).toBe('handled');
    expect(seen[0]).toMatchObject({ method: 'POST', target: '/console/api/jobs?limit=5', remoteAddress: '127.0.0.1' });
    expect(seen[0].body.length).toBe(1000);
    const elsewhere = await fetch(url('/jobs'), { redirect: 'manual' });
    expect([elsewhere.status, elsewhere.headers.get('location')]).toEqual([308, '/console/']);
    expect(seen).toHaveLength(1);
  });

  it('refuses a body over 1 MiB before the console sees it', async () => {
    const answer = await fetch(url('/console/api/jobs'), { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect([answer.status, ((await answer.json()) as { error: { code: string } }).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(seen).toHaveLength(1);
  });
});
