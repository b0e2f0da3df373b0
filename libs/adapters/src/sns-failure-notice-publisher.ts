import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { FailureNoticePublisher, JobFailureNotice } from '@async-jobs/domain';

/**
 * Publishes a processor's permanent failure to the error topic. The message is the notice as JSON;
 * attributes repeat the kind and ids so that subscriptions can filter without parsing the body.
 */
export class SnsFailureNoticePublisher implements FailureNoticePublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publishFailure(notice: JobFailureNotice): Promise<void> {
    await this.client.send(
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
