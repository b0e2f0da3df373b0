import type { SQSClient } from '@aws-sdk/client-sqs';
import type * as Sqs from '@aws-sdk/client-sqs';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/**
 * Schedules a message's next delivery: its visibility timeout becomes the delay, so the queue hands it back then
 * (the handler reports it as a batch item failure, which leaves it in the queue).
 */
export class SqsRetryScheduler {
  private readonly sqs: () => Promise<SdkClient<typeof Sqs, SQSClient>>;

  constructor(
    sqs: ClientSource<SdkClient<typeof Sqs, SQSClient>>,
    private readonly queueUrl: string,
  ) {
    this.sqs = clientFrom(sqs);
  }

  async retryAfter(receiptHandle: string, delaySeconds: number): Promise<void> {
    const { client, module } = await this.sqs();
    await client.send(
      new module.ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: delaySeconds }),
    );
  }
}
