import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { InvokeResult, LocalFunction } from './local-function';
import { SqsEventSource } from './sqs-event-source';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('SqsEventSource against moto', () => {
  const sqs = new SQSClient({});
  afterAll(() => sqs.destroy());

  async function queueWith(bodies: string[]): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `source-${randomUUID().slice(0, 8)}`, Attributes: { VisibilityTimeout: '1' } }),
    );
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    return { url: QueueUrl as string, arn: Attributes?.['QueueArn'] as string };
  }

  async function runUntil(
    queue: { url: string; arn: string },
    answer: (bodies: string[]) => InvokeResult,
    done: (seen: string[][]) => boolean,
  ) {
    const seen: string[][] = [];
    const fn = {
      invoke: async (event: {
        Records: { body: string; messageId: string; eventSourceARN: string; attributes: Record<string, string> }[];
      }) => {
        seen.push(event.Records.map((r) => r.body));
        expect(event.Records.every((r) => r.eventSourceARN === queue.arn && r.attributes['ApproximateReceiveCount'])).toBe(true);
        return answer(event.Records.map((r) => `${r.body}|${r.messageId}`));
      },
    } as unknown as LocalFunction;
    const source = new SqsEventSource({ name: 'test', sqs, queueUrl: queue.url, queueArn: queue.arn, region: 'us-east-1', fn, log: quiet });
    source.start();
    for (let i = 0; i < 100 && !done(seen); i++) await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    return seen;
  }

  const remaining = async (url: string) =>
    ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }))).Messages ?? []).map(
      (m) => m.Body,
    );

  it('deletes what the function handled and leaves what it reported in batchItemFailures', async () => {
    const queue = await queueWith(['handled', 'reported']);
    await runUntil(
      queue,
      (bodies) => ({
        ok: true,
        requestId: 'r',
        result: { batchItemFailures: bodies.filter((b) => b.startsWith('reported')).map((b) => ({ itemIdentifier: b.split('|')[1] })) },
      }),
      (seen) => seen.flat().length >= 2,
    );
    expect(await remaining(queue.url)).toEqual(['reported']);
  });

  it('leaves the whole batch when the invocation fails', async () => {
    const queue = await queueWith(['a']);
    await runUntil(
      queue,
      () => ({ ok: false, errorType: 'Error', errorMessage: 'boom', requestId: 'r' }),
      (seen) => seen.length >= 1,
    );
    expect(await remaining(queue.url)).toEqual(['a']);
  });
});
