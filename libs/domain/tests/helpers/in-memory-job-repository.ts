import { applyChange, JobAlreadyExistsError, meetsExpectation, type ChangeResult, type Job, type JobChange, type JobRepository } from '../../src';

/** The repository contract with the store's semantics, in memory: for unit tests of the domain. */
export class InMemoryJobRepository implements JobRepository {
  readonly jobs = new Map<string, Job>();
  writes = 0;
  /** Runs before each conditional write is evaluated: lets a test slip in a competing writer. */
  beforeWrite?: (jobId: string) => void;

  async create(job: Job): Promise<void> {
    if (this.jobs.has(job.id)) throw new JobAlreadyExistsError(job.id);
    this.jobs.set(job.id, structuredClone(job));
  }

  async get(jobId: string): Promise<Job | undefined> {
    const job = this.jobs.get(jobId);
    return job && structuredClone(job);
  }

  async applyChange(jobId: string, change: JobChange): Promise<ChangeResult> {
    this.beforeWrite?.(jobId);
    const current = this.jobs.get(jobId);
    if (!meetsExpectation(current, change.expect)) return { applied: false, current: current && structuredClone(current) };
    const next = applyChange(current, change);
    this.jobs.set(jobId, next);
    this.writes += 1;
    return { applied: true, job: structuredClone(next) };
  }
}
