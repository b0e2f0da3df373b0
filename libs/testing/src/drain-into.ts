import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Moves every message now in the queue, parsed, into `seen`, and returns all seen so far. */
export async function drainInto<T>(sqs: SQSClient, queueUrl: string, seen: T[]): Promise<T[]> {
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return [...seen];
    for (const message of Messages) {
      seen.push(JSON.parse(message.Body ?? '{}') as T);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
