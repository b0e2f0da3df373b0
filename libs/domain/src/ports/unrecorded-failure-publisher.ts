import type { FailureOrigin } from '../failure-origin';
import type { FailureReason } from '../job';

/**
 * A failure the error handler could not record, made self-contained (no stream pointer) so that
 * replaying it from the archive works for the archive's whole retention.
 */
export interface UnrecordedFailure {
  kind: 'JobFailureUnrecorded';
  jobId: string;
  consumerId: string;
  reason: FailureReason;
  /** Who said it failed: replaying it records it under the same condition as the first try. */
  origin: FailureOrigin;
  attempt: number;
  /** Why recording failed, for the operator deciding when to replay. */
  cause: string;
  occurredAt: string;
}

export interface UnrecordedFailurePublisher {
  publishUnrecordedFailure(event: UnrecordedFailure): Promise<void>;
}
