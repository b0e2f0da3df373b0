import type { SNSClient } from '@aws-sdk/client-sns';
import type * as Sns from '@aws-sdk/client-sns';
import type { FailureNoticePublisher, JobFailureNotice } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/**
 * Publishes a processor's permanent failure to the error topic. The message is the notice as JSON;
 * attributes repeat the kind and ids so that subscriptions can filter without parsing the body.
 */
export class SnsFailureNoticePublisher implements FailureNoticePublisher {
  private readonly sns: () => Promise<SdkClient<typeof Sns, SNSClient>>;

  /** `sns`: the client and its module, or their loader (a failure is the rare path: loaded at the first one). */
  constructor(
    sns: ClientSource<SdkClient<typeof Sns, SNSClient>>,
    private readonly topicArn: string,
  ) {
    this.sns = clientFrom(sns);
  }

  async publishFailure(notice: JobFailureNotice): Promise<void> {
    const { client, module } = await this.sns();
    await client.send(
      new module.PublishCommand({
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
