import type { FailureNoticePublisher, JobFailureNotice } from '@async-jobs/domain';
import { rideOutOutage, type OutagePatience } from './outage-patience';
import { isTransientAwsError } from './transient-aws-error';

/**
 * A failure publisher that rides out an outage of the topic's service within its patience, so a
 * failure is delivered late rather than bounced back to the stream as a retry.
 */
export class PatientFailureNoticePublisher implements FailureNoticePublisher {
  constructor(
    private readonly inner: FailureNoticePublisher,
    private readonly patience: OutagePatience,
  ) {}

  publishFailure(notice: JobFailureNotice): Promise<void> {
    return rideOutOutage('publishFailure', () => this.inner.publishFailure(notice), isTransientAwsError, this.patience, {
      jobId: notice.jobId,
    });
  }
}
