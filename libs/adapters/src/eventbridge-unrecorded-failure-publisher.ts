import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { UnrecordedFailurePublisher, UnrecordedFailure } from '@async-jobs/domain';

export const FAILED_EVENT_SOURCE = 'async-jobs.error-handler';
export const FAILED_EVENT_DETAIL_TYPE = 'JobFailureUnrecorded';

/** Puts a self-contained unrecorded failure on the failed-events bus, whose archive keeps it for replay. */
export class EventBridgeUnrecordedFailurePublisher implements UnrecordedFailurePublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publishUnrecordedFailure(event: UnrecordedFailure): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: FAILED_EVENT_SOURCE,
            DetailType: FAILED_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    // PutEvents reports per-entry failures in a 200 response; an unchecked one would lose the event.
    if (result.FailedEntryCount) {
      const entry = result.Entries?.[0];
      throw new Error(`EventBridge refused the failed event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
