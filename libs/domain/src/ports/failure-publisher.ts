import type { FailureReason } from '../job';

/** What the stream processor tells the error handler when a run failed for good. */
export interface JobFailureNotice {
  kind: 'JobFailed';
  jobId: string;
  consumerId: string;
  reason: FailureReason;
  attempt: number;
  occurredAt: string;
}

export interface FailurePublisher {
  publishFailure(notice: JobFailureNotice): Promise<void>;
}
