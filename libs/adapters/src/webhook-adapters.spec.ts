import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as SecretsManager from '@aws-sdk/client-secrets-manager';
import * as Sqs from '@aws-sdk/client-sqs';
import { FetchWebhookSender } from './fetch-webhook-sender';
import { secretsManagerSecret } from './secrets-manager-secret';
import { SqsRetryScheduler } from './sqs-retry-scheduler';

describe('the webhook sender', () => {
  let server: Server;
  let base: string;
  const received: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ method: request.method, headers: request.headers, body });
        if (request.url === '/redirect') response.writeHead(302, { location: `${base}/ok` }).end();
        else if (request.url === '/slow') setTimeout(() => response.writeHead(200).end(), 2000);
        else response.writeHead(request.url === '/ok' ? 204 : 500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('POSTs the body with the headers and returns the status', async () => {
    const sender = new FetchWebhookSender();
    expect(await sender.post(`${base}/ok`, '{"a":1}', { 'Content-Type': 'application/json', 'X-Async-Jobs-Signature': 'v1=ab' })).toEqual({
      status: 204,
    });
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: expect.objectContaining({ 'x-async-jobs-signature': 'v1=ab' }),
    });
    expect(await sender.post(`${base}/fail`, '{}', {})).toEqual({ status: 500 });
  });

  it('does not follow a redirect (the allow-list cannot be escaped through one)', async () => {
    const before = received.length;
    expect(await new FetchWebhookSender().post(`${base}/redirect`, '{}', {})).toEqual({ status: 302 });
    expect(received.length).toBe(before + 1);
  });

  it('gives up on an answer slower than its timeout', async () => {
    await expect(new FetchWebhookSender(200).post(`${base}/slow`, '{}', {})).rejects.toThrow();
  });
});

describe('the webhook secret and retries, against moto', () => {
  it('reads the secret once per cache period', async () => {
    const client = new SecretsManager.SecretsManagerClient({});
    const name = `secret-${randomUUID().slice(0, 8)}`;
    await client.send(new SecretsManager.CreateSecretCommand({ Name: name, SecretString: 'first' }));
    let now = 0;
    const secret = secretsManagerSecret({ module: SecretsManager, client }, name, { cacheMs: 1000, now: () => now });
    expect(await secret()).toBe('first');
    await client.send(new SecretsManager.PutSecretValueCommand({ SecretId: name, SecretString: 'rotated' }));
    expect(await secret()).toBe('first');
    now = 1000;
    expect(await secret()).toBe('rotated');
    client.destroy();
  });

  it("delays a message's next delivery by its visibility", async () => {
    const client = new Sqs.SQSClient({});
    const { QueueUrl } = await client.send(new Sqs.CreateQueueCommand({ QueueName: `webhooks-${randomUUID().slice(0, 8)}` }));
    await client.send(new Sqs.SendMessageCommand({ QueueUrl, MessageBody: '{}' }));
    const { Messages = [] } = await client.send(new Sqs.ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
    await new SqsRetryScheduler({ module: Sqs, client }, QueueUrl as string).retryAfter(Messages[0].ReceiptHandle as string, 60);
    const again = await client.send(new Sqs.ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(again.Messages ?? []).toEqual([]);
    client.destroy();
  });
});
