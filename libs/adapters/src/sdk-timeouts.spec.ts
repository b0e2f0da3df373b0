import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@async-jobs/domain';
import { DynamoDbJobRepository } from './dynamodb-job-repository';
import { sdkTimeouts } from './sdk-timeouts';

describe('sdkTimeouts', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let endpoint: string;

  // A store that takes the connection and the request, and never answers.
  beforeAll(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('turns a store that never answers into StoreUnavailableError instead of a hung invocation', async () => {
    const client = new DynamoDBClient({
      ...sdkTimeouts('interactive'),
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      maxAttempts: 1,
    });
    const repository = new DynamoDbJobRepository(client, 'jobs');

    await expect(repository.get('job-1')).rejects.toBeInstanceOf(StoreUnavailableError);

    expect(sockets.length).toBeGreaterThanOrEqual(1); // it did connect: the answer is what never came
    client.destroy();
  });

  it('lets the API try twice, then give up, so that its caller gets a 503 rather than a timed-out function', async () => {
    const client = new DynamoDBClient({
      ...sdkTimeouts('interactive'),
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const before = sockets.length;

    await expect(new DynamoDbJobRepository(client, 'jobs').get('job-1')).rejects.toBeInstanceOf(StoreUnavailableError);

    expect(sockets.length - before).toBe(2); // a timed-out try closes its connection: one connection per try
    client.destroy();
  });
});
