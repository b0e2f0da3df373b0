import { JobNotFoundError } from '../errors';
import type { Job } from '../job';
import { assertJobId } from '../job-id';
import type { JobRepository } from '../ports/job-repository';

/** @throws InvalidJobIdError for a malformed id, JobNotFoundError for an unknown one. */
export async function getJob(deps: { repository: JobRepository }, jobId: string): Promise<Job> {
  const job = await deps.repository.get(assertJobId(jobId));
  if (!job) throw new JobNotFoundError(jobId);
  return job;
}
