import type { SNSClient } from '@aws-sdk/client-sns';
import type { FailureNoticePublisher, JobFailureNotice } from '@async-jobs/domain';
import { clientFrom, type ClientSource } from './lazy-client';

/**
 * Publishes a processor's permanent failure to the error topic. The message is the notice as JSON;
 * attributes repeat the kind and ids so that subscriptions can filter without parsing the body.
 */
export class SnsFailureNoticePublisher implements FailureNoticePublisher {
  private readonly client: () => Promise<SNSClient>;

  /** `client`: a client, or its loader (a failure is the rare path: loaded at the first one). */
  constructor(
    client: ClientSource<SNSClient>,
    private readonly topicArn: string,
  ) {
    this.client = clientFrom(client);
  }

  async publishFailure(notice: JobFailureNotice): Promise<void> {
    const [client, { PublishCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-sns')]);
    await client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(notice),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: notice.kind },
          jobId: { DataType: 'String', StringValue: notice.jobId },
          consumerId: { DataType: 'String', StringValue: notice.consumerId },
        },
      }),
    );
  }
}
