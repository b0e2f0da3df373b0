import { randomUUID } from 'node:crypto';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { drainInto } from './drain-into';

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
    received: () => drainInto(sqs, QueueUrl as string, seen),
    close() {
      events.destroy();
      sqs.destroy();
    },
  };
}
