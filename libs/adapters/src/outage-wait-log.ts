import { failureReasonOf } from '@async-jobs/domain';
import { currentRequestId, currentStoryFields, type Logger } from '@async-jobs/platform';
import type { OutagePatience } from './outage-patience';

/**
 * Logs each wait of a ridden-out outage as a line of the job's story: the job (from the patient
 * call), the request (from the invocation running it), any fixed fields, such as a processor's consumer, and
 * the fields of the job story it runs in (a runner's consumer).
 */
export function outageWaitLog(logger: Logger, fields: Record<string, string> = {}): NonNullable<OutagePatience['onWait']> {
  return ({ error, ...wait }) =>
    logger.warn(
      { requestId: currentRequestId(), ...fields, ...currentStoryFields(), ...wait, reason: failureReasonOf(error) },
      'dependency unavailable: waiting',
    );
}
