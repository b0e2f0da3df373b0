import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { retryUntil } from './retry-until';
import type { RuntimeLog } from './runtime-log';

/**
 * Drains an SQS queue on moto, handing each message body on and deleting it once handed over:
 * how the local runtime plays an SNS subscription or an EventBridge rule target that is a Lambda.
 */
export class QueueDrain {
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly options: { name: string; sqs: SQSClient; queueUrl: string; deliver: (body: string) => void; log: RuntimeLog },
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { sqs, queueUrl, deliver, name, log } = this.options;
    while (!this.stopped) {
      const received = await retryUntil(
        () => sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })),
        {
          isStopped: () => this.stopped,
          onError: (error, attempt) => attempt % 10 === 1 && log.warn(`${name}: receiving failed: ${(error as Error).message}`),
        },
      );
      for (const message of received?.Messages ?? []) {
        deliver(message.Body ?? '');
        await retryUntil(() => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })), {
          isStopped: () => this.stopped,
          onError: (error) => log.warn(`${name}: deleting a message failed: ${(error as Error).message}`),
        });
      }
    }
  }
}

/** The SNS notification an SQS subscription receives, as the Lambda SNS event record carries it. */
export function snsEventFromQueueBody(body: string, subscriptionArn: string) {
  const n = JSON.parse(body) as Record<string, string> & { MessageAttributes?: Record<string, { Type: string; Value: string }> };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: n['Type'] ?? 'Notification',
          MessageId: n['MessageId'],
          TopicArn: n['TopicArn'],
          Subject: n['Subject'] ?? null,
          Message: n['Message'],
          Timestamp: n['Timestamp'],
          SignatureVersion: n['SignatureVersion'] ?? '1',
          Signature: n['Signature'] ?? '',
          SigningCertUrl: n['SigningCertURL'] ?? '',
          UnsubscribeUrl: n['UnsubscribeURL'] ?? '',
          MessageAttributes: n.MessageAttributes ?? {},
        },
      },
    ],
  };
}
