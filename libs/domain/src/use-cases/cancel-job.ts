import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import { JobAlreadyFinishedError, JobNotFoundError } from '../errors';
import type { Job } from '../job';
import { assertJobId } from '../job-id';
import { cancelTransition } from '../job-transitions';
import type { Caller } from '../owner';
import type { Clock } from '../ports/clock';
import type { JobRepository } from '../ports/job-repository';

/**
 * Cancels every unfinished consumer entry, for the job's owner or an operator. Cancelling a
 * cancelled job returns it unchanged.
 * @throws JobNotFoundError (unknown, or another owner's), JobAlreadyFinishedError (a finished job cannot be cancelled).
 */
export async function cancelJob(
  deps: { repository: JobRepository; clock: Clock; conflictPolicy?: ConflictRetryPolicy },
  caller: Caller,
  jobId: string,
): Promise<Job> {
  const outcome = await applyTransition(deps, assertJobId(jobId), cancelTransition({ now: deps.clock.now(), by: caller }), {
    policy: deps.conflictPolicy,
  });
  if (outcome.kind === 'written') return outcome.job;
  switch (outcome.reason.code) {
    case 'ALREADY_CANCELLED':
      if (outcome.job) return outcome.job;
      throw new JobNotFoundError(jobId);
    case 'ALREADY_FINISHED':
      throw new JobAlreadyFinishedError(jobId, outcome.reason.status ?? 'finished');
    default:
      throw new JobNotFoundError(jobId);
  }
}
