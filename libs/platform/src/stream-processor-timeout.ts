import { ConfigurationError } from './environment-settings';
import type { DeploymentSettings } from './deployment-settings';

/** Lambda's ceiling for a function's timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** Time to answer the event source after the last write. */
const ANSWER_MARGIN_SECONDS = 30;

/**
 * The stream processor's timeout, derived so that no run is ever cut off by Lambda: the longest run
 * limit of the job catalog, plus what may come before the run (waiting one lease to take over a
 * crashed run's job, riding out an outage at the claim) and after it (riding out an outage to store
 * the result or publish the failure), plus a margin to answer the event source.
 * @throws ConfigurationError naming the job type when that exceeds Lambda's 900 s.
 */
export function streamProcessorTimeoutSeconds(
  jobs: Pick<DeploymentSettings['jobs'], 'leaseSeconds' | 'outagePatienceSeconds'>,
  longest: { jobType: string; seconds: number },
): number {
  const around = jobs.leaseSeconds + 2 * jobs.outagePatienceSeconds + ANSWER_MARGIN_SECONDS;
  const timeout = longest.seconds + around;
  if (timeout > LAMBDA_MAX_TIMEOUT_SECONDS) {
    throw new ConfigurationError(
      `Job type "${longest.jobType}" declares a run limit of ${longest.seconds} s; with a lease of ${jobs.leaseSeconds} s, ` +
        `twice ${jobs.outagePatienceSeconds} s of outage patience and ${ANSWER_MARGIN_SECONDS} s to answer, the stream processor would need ${timeout} s, ` +
        `above Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} s: lower its run limit to ${LAMBDA_MAX_TIMEOUT_SECONDS - around} s or less`,
    );
  }
  return timeout;
}
