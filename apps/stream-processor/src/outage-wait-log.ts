import type { OutagePatience } from '@async-jobs/adapters';
import { failureReasonOf } from '@async-jobs/domain';
import { currentRequestId, type Logger } from '@async-jobs/platform';

/** Logs each wait of a ridden-out outage as a line of the job's story: job, consumer and request. */
export function outageWaitLog(logger: Logger, consumerId: string): NonNullable<OutagePatience['onWait']> {
  return ({ error, ...wait }) => logger.warn({ requestId: currentRequestId(), consumerId, ...wait, reason: failureReasonOf(error) }, 'dependency unavailable: waiting');
}
