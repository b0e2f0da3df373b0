import * as EventBridge from '@aws-sdk/client-eventbridge';
import type { UnrecordedFailure } from '@async-jobs/domain';
import { createBusCapture, type BusCapture } from '@async-jobs/testing';
import {
  EventBridgeUnrecordedFailurePublisher,
  FAILED_EVENT_DETAIL_TYPE,
  FAILED_EVENT_SOURCE,
} from './eventbridge-unrecorded-failure-publisher';

describe('EventBridgeUnrecordedFailurePublisher against moto', () => {
  let bus: BusCapture;
  beforeAll(async () => (bus = await createBusCapture()));
  afterAll(() => bus.close());

  it('puts a self-contained event on the bus that a rule can route', async () => {
    const failure: UnrecordedFailure = {
      kind: 'JobFailureUnrecorded',
      jobId: '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21',
      consumerId: 'a',
      reason: { code: 'SLEEP_TOO_LONG', message: 'too long' },
      origin: { kind: 'run', claimToken: 'run-1' },
      attempt: 2,
      cause: 'STORE_UNAVAILABLE',
      occurredAt: '2026-01-01T00:00:00.000Z',
    };

    await new EventBridgeUnrecordedFailurePublisher({ module: EventBridge, client: bus.events }, bus.eventBusName).publishUnrecordedFailure(
      failure,
    );

    expect(await bus.received()).toEqual([
      expect.objectContaining({ source: FAILED_EVENT_SOURCE, 'detail-type': FAILED_EVENT_DETAIL_TYPE, detail: failure }),
    ]);
  });

  it('fails loudly when the bus does not exist', async () => {
    const publisher = new EventBridgeUnrecordedFailurePublisher({ module: EventBridge, client: bus.events }, 'no-such-bus');
    await expect(
      publisher.publishUnrecordedFailure({
        kind: 'JobFailureUnrecorded',
        jobId: 'j',
        consumerId: 'a',
        reason: { code: 'X', message: 'x' },
        origin: { kind: 'delivery', evidenceRequired: false },
        attempt: 1,
        cause: 'c',
        occurredAt: '',
      }),
    ).rejects.toThrow();
  });
});
