import { randomUUID } from 'node:crypto';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface BusCapture {
  eventBusName: string;
  events: EventBridgeClient;
  /** The EventBridge events routed so far, as a target receives them. */
  received(): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** A real event bus on moto with a catch-all rule to an SQS queue, to see exactly what was put. */
export async function createBusCapture(): Promise<BusCapture> {
  const events = new EventBridgeClient({});
  const sqs = new SQSClient({});
  const name = `test-${randomUUID().slice(0, 8)}`;
  await events.send(new CreateEventBusCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: JSON.stringify({ account: [{ exists: true }] }) }));
  await events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }));
  const seen: Record<string, unknown>[] = [];
  return {
    eventBusName: name,
    events,
    async received() {
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return [...seen];
        for (const message of Messages) {
          seen.push(JSON.parse(message.Body ?? '{}'));
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    },
    close() {
      events.destroy();
      sqs.destroy();
    },
  };
}
