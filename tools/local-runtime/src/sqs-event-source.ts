import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalFunction } from './local-function';
import { retryUntil } from './retry-until';
import type { RuntimeLog } from './runtime-log';

/**
 * Lambda's SQS event source mapping, played on moto: receives batches, invokes the function with them in Lambda's SQS
 * event format, and deletes each message the function did not report in `batchItemFailures` (ReportBatchItemFailures).
 * A reported message stays, and comes back when its visibility timeout (the function may have set one) runs out.
 */
export class SqsEventSource {
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly options: {
      name: string;
      sqs: SQSClient;
      queueUrl: string;
      queueArn: string;
      region: string;
      fn: LocalFunction;
      log: RuntimeLog;
    },
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { sqs, queueUrl, queueArn, region, fn, name, log } = this.options;
    while (!this.stopped) {
      const received = await retryUntil(
        () =>
          sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['All'],
            }),
          ),
        {
          isStopped: () => this.stopped,
          onError: (error, attempt) => attempt % 10 === 1 && log.warn(`${name}: receiving failed: ${(error as Error).message}`),
        },
      );
      const messages = received?.Messages ?? [];
      if (!messages.length) continue;
      const records = messages.map((m) => ({
        messageId: m.MessageId ?? randomUUID(),
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: m.Attributes ?? {},
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }));
      const result = await fn.invoke({ Records: records });
      const failed = new Set(
        result.ok
          ? ((result.result as { batchItemFailures?: { itemIdentifier: string }[] })?.batchItemFailures ?? []).map((f) => f.itemIdentifier)
          : records.map((r) => r.messageId),
      );
      for (const record of records) {
        if (failed.has(record.messageId)) continue;
        await retryUntil(() => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle })), {
          isStopped: () => this.stopped,
          onError: (error) => log.warn(`${name}: deleting a message failed: ${(error as Error).message}`),
        });
      }
    }
  }
}
