import {
  StoreUnavailableError,
  type ChangeResult,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type Job,
  type JobChange,
  type JobRepository,
  type ListNewestQuery,
} from '@async-jobs/domain';
import { rideOutOutage, type OutagePatience } from './outage-patience';

const unavailable = (error: unknown) => error instanceof StoreUnavailableError;

/**
 * A job repository that rides out a store outage (StoreUnavailableError) within its patience.
 * Retrying a conditional write is safe: if the first try landed unseen, the retry's condition fails
 * and the re-plan sees the job as it now is.
 */
export class PatientJobRepository implements JobRepository {
  constructor(
    private readonly inner: JobRepository,
    private readonly patience: OutagePatience,
  ) {}

  create(job: Job): Promise<void> {
    return rideOutOutage('create', () => this.inner.create(job), unavailable, this.patience, { jobId: job.id });
  }

  createIdempotent(job: Job, idempotency: IdempotencyClaim): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }> {
    return rideOutOutage('createIdempotent', () => this.inner.createIdempotent(job, idempotency), unavailable, this.patience, {
      jobId: job.id,
    });
  }

  get(jobId: string): Promise<Job | undefined> {
    return rideOutOutage('get', () => this.inner.get(jobId), unavailable, this.patience, { jobId });
  }

  applyChange(jobId: string, change: JobChange): Promise<ChangeResult> {
    return rideOutOutage('applyChange', () => this.inner.applyChange(jobId, change), unavailable, this.patience, { jobId });
  }

  findOverdue(query: { consumerId: string; before: number; limit: number }): Promise<string[]> {
    return rideOutOutage('findOverdue', () => this.inner.findOverdue(query), unavailable, this.patience);
  }

  listNewest(query: ListNewestQuery): Promise<{ jobs: Job[]; more: boolean }> {
    return rideOutOutage('listNewest', () => this.inner.listNewest(query), unavailable, this.patience);
  }
}
