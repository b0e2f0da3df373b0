import {
  applyChange,
  isSameJob,
  JobAlreadyExistsError,
  listPosition,
  meetsExpectation,
  type ChangeResult,
  type Job,
  type JobChange,
  type JobRepository,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type ListNewestQuery,
} from '../src';

/** The repository contract with the store's semantics, in memory: for unit tests of the domain. */
export class InMemoryJobRepository implements JobRepository {
  readonly jobs = new Map<string, Job>();
  writes = 0;
  /** Every call by method name, in order: what a test counts reads and writes by. */
  readonly calls: (keyof JobRepository)[] = [];
  /** Runs before each conditional write is evaluated: lets a test slip in a competing writer. */
  beforeWrite?: (jobId: string) => void;

  async create(job: Job): Promise<void> {
    this.calls.push('create');
    this.insert(job);
  }

  private insert(job: Job): void {
    const stored = this.jobs.get(job.id);
    if (stored && isSameJob(stored, job)) return;
    if (stored) throw new JobAlreadyExistsError(job.id);
    this.jobs.set(job.id, structuredClone(job));
  }

  readonly idempotency = new Map<string, IdempotencyRecord & { expiresAt: number }>();

  async createIdempotent(job: Job, idempotency: IdempotencyClaim) {
    this.calls.push('createIdempotent');
    const existing = this.idempotency.get(idempotency.keyHash);
    const expired = existing !== undefined && existing.expiresAt < Math.floor(Date.parse(job.createdAt) / 1000);
    if (existing && !expired && existing.jobId !== idempotency.replacing)
      return { created: false as const, existing: { keyHash: existing.keyHash, requestHash: existing.requestHash, jobId: existing.jobId } };
    this.insert(job);
    this.idempotency.set(idempotency.keyHash, {
      keyHash: idempotency.keyHash,
      requestHash: idempotency.requestHash,
      jobId: job.id,
      expiresAt: job.expiresAt,
    });
    return { created: true as const };
  }

  async get(jobId: string): Promise<Job | undefined> {
    this.calls.push('get');
    const job = this.jobs.get(jobId);
    return job && structuredClone(job);
  }

  async listNewest(query: ListNewestQuery): Promise<{ jobs: Job[]; more: boolean }> {
    this.calls.push('listNewest');
    const matching = [...this.jobs.values()]
      .filter(
        (job) =>
          query.types.includes(job.type) &&
          (query.owner === undefined || job.owner?.principal === query.owner) &&
          (query.before === undefined || listPosition(job) < query.before),
      )
      .sort((a, b) => (listPosition(a) < listPosition(b) ? 1 : -1));
    return { jobs: matching.slice(0, query.limit).map((job) => structuredClone(job)), more: matching.length > query.limit };
  }

  async findOverdue(query: { consumerId: string; before: number; limit: number }): Promise<string[]> {
    this.calls.push('findOverdue');
    return [...this.jobs.values()]
      .filter((job) => (job.consumers[query.consumerId]?.deadline ?? Number.POSITIVE_INFINITY) < query.before)
      .sort((a, b) => (a.consumers[query.consumerId].deadline ?? 0) - (b.consumers[query.consumerId].deadline ?? 0))
      .slice(0, query.limit)
      .map((job) => job.id);
  }

  async applyChange(jobId: string, change: JobChange): Promise<ChangeResult> {
    this.calls.push('applyChange');
    this.beforeWrite?.(jobId);
    const current = this.jobs.get(jobId);
    if (!meetsExpectation(current, change.expect)) return { applied: false, current: current && structuredClone(current) };
    const next = applyChange(current, change);
    this.jobs.set(jobId, next);
    this.writes += 1;
    return { applied: true, job: structuredClone(next) };
  }
}
