import type { FailureReason } from '../job';

/** What the stream processor tells the error handler when a run failed for good. */
export interface JobFailureNotice {
  kind: 'JobFailed';
  jobId: string;
  consumerId: string;
  /** The claim of the run that failed: the failure is recorded only while that claim holds the entry. */
  claimToken: string;
  reason: FailureReason;
  attempt: number;
  occurredAt: string;
}

export interface FailureNoticePublisher {
  publishFailure(notice: JobFailureNotice): Promise<void>;
}
