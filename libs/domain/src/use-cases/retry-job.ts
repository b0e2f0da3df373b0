import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import { pickupDeadline, type DeadlinePolicy } from '../deadline-policy';
import { JobNotFoundError, NothingToRetryError } from '../errors';
import type { Job } from '../job';
import { assertJobId } from '../job-id';
import { retryTransition } from '../job-transitions';
import type { Caller } from '../owner';
import type { Clock } from '../ports/clock';
import type { JobRepository } from '../ports/job-repository';

/**
 * Runs again the consumers whose entries FAILED, for the job's owner or an operator: one conditional write, whose
 * retry mark lets it through the stream's filter to the processors, which claim the entries as new deliveries.
 * @throws JobNotFoundError (unknown, or another owner's), NothingToRetryError (running, succeeded or cancelled).
 */
export async function retryJob(
  deps: { repository: JobRepository; clock: Clock; deadlines: DeadlinePolicy; conflictPolicy?: ConflictRetryPolicy },
  caller: Caller,
  jobId: string,
): Promise<Job> {
  const transition = retryTransition({
    now: deps.clock.now(),
    by: caller,
    // The retry's record is deliverable for the stream's maximum record age from now, as a new job's is.
    deadlineOf: (at) => pickupDeadline({ createdAt: at.toISOString() }, deps.deadlines),
  });
  const outcome = await applyTransition(deps, assertJobId(jobId), transition, { policy: deps.conflictPolicy });
  if (outcome.kind === 'written') return outcome.job;
  if (outcome.reason.code === 'NOTHING_TO_RETRY') throw new NothingToRetryError(jobId, outcome.reason.status ?? 'unfinished');
  throw new JobNotFoundError(jobId);
}
