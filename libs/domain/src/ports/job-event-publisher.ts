import type { JobEvent } from '../job-events';

/** Puts job events on the environment's job-events bus. */
export interface JobEventPublisher {
  /** Resolves once every event is accepted; rejects if any is not (the caller publishes them all again). */
  publish(events: JobEvent[]): Promise<void>;
}
