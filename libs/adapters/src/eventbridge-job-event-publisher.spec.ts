import * as EventBridge from '@aws-sdk/client-eventbridge';
import { JOB_EVENT_TYPES, JOB_EVENTS_SOURCE, type JobEvent } from '@async-jobs/domain';
import { createBusCapture, type BusCapture } from '@async-jobs/testing';
import { EventBridgeJobEventPublisher } from './eventbridge-job-event-publisher';

const anEvent = (n: number): JobEvent => ({
  detailType: n % 2 ? JOB_EVENT_TYPES.consumerFinished : JOB_EVENT_TYPES.jobFinished,
  detail: {
    eventId: `job-${n}/a/SUCCEEDED/2026-01-01T00:00:00.000Z`,
    jobId: `job-${n}`,
    status: 'SUCCEEDED',
    occurredAt: '2026-01-01T00:00:00.000Z',
    job: {
      jobId: `job-${n}`,
      id: `job-${n}`,
      type: 'noop',
      status: 'SUCCEEDED',
      input: {},
      consumers: {},
      version: 3,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
  },
});

describe('EventBridgeJobEventPublisher against moto', () => {
  let bus: BusCapture;
  beforeAll(async () => (bus = await createBusCapture()));
  afterAll(() => bus.close());

  it('puts every event, more than one call holds, with its source, detail-type and detail as a rule sees them', async () => {
    const events = Array.from({ length: 12 }, (_, n) => anEvent(n));
    await new EventBridgeJobEventPublisher({ module: EventBridge, client: bus.events }, bus.eventBusName).publish(events);

    const received = await bus.received();
    expect(received).toHaveLength(12);
    expect(received.map((e) => (e['detail'] as { eventId: string }).eventId).sort()).toEqual(events.map((e) => e.detail.eventId).sort());
    expect(received).toContainEqual(
      expect.objectContaining({ source: JOB_EVENTS_SOURCE, 'detail-type': 'Job Finished', detail: events[0].detail }),
    );
  });

  it('fails when EventBridge refuses an entry in a 200 answer, naming the error', async () => {
    const refusing = {
      send: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] }),
    };
    const publisher = new EventBridgeJobEventPublisher({ module: EventBridge, client: refusing as never }, 'bus');
    await expect(publisher.publish([anEvent(1)])).rejects.toThrow('EventBridge refused 1 job event(s): ThrottlingException slow down');
  });

  it('fails loudly when the bus does not exist', async () => {
    const publisher = new EventBridgeJobEventPublisher({ module: EventBridge, client: bus.events }, 'no-such-bus');
    await expect(publisher.publish([anEvent(1)])).rejects.toThrow();
  });
});
