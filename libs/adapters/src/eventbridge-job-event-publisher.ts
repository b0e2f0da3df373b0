import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import { JOB_EVENTS_SOURCE, type JobEvent, type JobEventPublisher } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/** PutEvents takes at most ten entries per call. */
const ENTRIES_PER_CALL = 10;

/**
 * Puts job events on the job-events bus: source `async-jobs`, the event's detail-type, its detail as JSON, and the
 * job's id as the event's resource (rules can match it without parsing the detail).
 */
export class EventBridgeJobEventPublisher implements JobEventPublisher {
  private readonly events: () => Promise<SdkClient<typeof EventBridge, EventBridgeClient>>;

  constructor(
    events: ClientSource<SdkClient<typeof EventBridge, EventBridgeClient>>,
    private readonly eventBusName: string,
  ) {
    this.events = clientFrom(events);
  }

  async publish(events: JobEvent[]): Promise<void> {
    if (!events.length) return;
    const { client, module } = await this.events();
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const batch = events.slice(start, start + ENTRIES_PER_CALL);
      const result = await client.send(
        new module.PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.eventBusName,
            Source: JOB_EVENTS_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.detail.occurredAt),
          })),
        }),
      );
      // PutEvents reports refused entries in a 200 answer: unchecked, they would be lost. The caller publishes all again
      // (at least once), and subscribers drop the repeats by their eventId.
      if (result.FailedEntryCount) {
        const refused = (result.Entries ?? []).find((entry) => entry.ErrorCode);
        throw new Error(
          `EventBridge refused ${result.FailedEntryCount} job event(s): ${refused?.ErrorCode ?? 'unknown'} ${refused?.ErrorMessage ?? ''}`.trim(),
        );
      }
    }
  }
}
