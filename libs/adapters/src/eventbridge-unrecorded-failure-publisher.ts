import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import type { UnrecordedFailurePublisher, UnrecordedFailure } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

export const FAILED_EVENT_SOURCE = 'async-jobs.error-handler';
export const FAILED_EVENT_DETAIL_TYPE = 'JobFailureUnrecorded';

/** Puts a self-contained unrecorded failure on the failed-events bus, whose archive keeps it for replay. */
export class EventBridgeUnrecordedFailurePublisher implements UnrecordedFailurePublisher {
  private readonly events: () => Promise<SdkClient<typeof EventBridge, EventBridgeClient>>;

  /** `events`: the client and its module, or their loader (the rare path: loaded at the first failure the handler cannot record). */
  constructor(
    events: ClientSource<SdkClient<typeof EventBridge, EventBridgeClient>>,
    private readonly eventBusName: string,
  ) {
    this.events = clientFrom(events);
  }

  async publishUnrecordedFailure(event: UnrecordedFailure): Promise<void> {
    const { client, module } = await this.events();
    const result = await client.send(
      new module.PutEventsCommand({
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
