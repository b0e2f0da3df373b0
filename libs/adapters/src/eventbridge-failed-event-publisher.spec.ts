import { randomUUID } from 'node:crypto';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { UnrecordedFailure } from '@async-jobs/domain';
import { EventBridgeFailedEventPublisher, FAILED_EVENT_DETAIL_TYPE, FAILED_EVENT_SOURCE } from './eventbridge-failed-event-publisher';

describe('EventBridgeFailedEventPublisher against moto', () => {
  const events = new EventBridgeClient({});
  const sqs = new SQSClient({});
  afterAll(() => {
    events.destroy();
    sqs.destroy();
  });

  it('puts a self-contained event on the bus that a rule can route', async () => {
    const name = `test-${randomUUID().slice(0, 8)}`;
    await events.send(new CreateEventBusCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: JSON.stringify({ source: [FAILED_EVENT_SOURCE] }) }));
    await events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }));
    const failure: UnrecordedFailure = {
      kind: 'JobFailureUnrecorded',
      jobId: '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21',
      consumerId: 'a',
      reason: { code: 'SLEEP_TOO_LONG', message: 'too long' },
      attempt: 2,
      cause: 'STORE_UNAVAILABLE',
      occurredAt: '2026-01-01T00:00:00.000Z',
    };

    await new EventBridgeFailedEventPublisher(events, name).publishUnrecordedFailure(failure);

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const event = JSON.parse(Messages[0]?.Body ?? '{}');
    expect(event).toMatchObject({ source: FAILED_EVENT_SOURCE, 'detail-type': FAILED_EVENT_DETAIL_TYPE, detail: failure });
  });
});
