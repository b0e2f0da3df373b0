import { JobNotFoundError } from '../errors';
import type { Job } from '../job';
import { assertJobId } from '../job-id';
import { mayAccess, type Caller } from '../owner';
import type { JobRepository } from '../ports/job-repository';

/**
 * The job, if the caller may see it. Another owner's job answers exactly as a missing one does,
 * after the same single read, so that neither the answer nor its timing tells them apart.
 * @throws InvalidJobIdError for a malformed id, JobNotFoundError for an unknown or foreign one.
 */
export async function getJob(deps: { repository: JobRepository }, caller: Caller, jobId: string): Promise<Job> {
  const job = await deps.repository.get(assertJobId(jobId));
  if (!job || !mayAccess(caller, job)) throw new JobNotFoundError(jobId);
  return job;
}
