import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { drainInto } from './drain-into';

export interface TopicCapture {
  topicArn: string;
  sns: SNSClient;
  /** The SNS envelopes delivered so far (moto delivers to the queue synchronously). */
  received(): Promise<{ Message: string; MessageAttributes?: Record<string, { Value: string }> }[]>;
  close(): void;
}

/** A real SNS topic on moto with an SQS queue subscribed, to see exactly what a publisher sent. */
export async function createTopicCapture(): Promise<TopicCapture> {
  const sns = new SNSClient({});
  const sqs = new SQSClient({});
  const name = `test-${randomUUID().slice(0, 8)}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const seen: { Message: string; MessageAttributes?: Record<string, { Value: string }> }[] = [];
  return {
    topicArn: TopicArn ?? '',
    sns,
    received: () => drainInto(sqs, QueueUrl as string, seen),
    close() {
      sns.destroy();
      sqs.destroy();
    },
  };
}
