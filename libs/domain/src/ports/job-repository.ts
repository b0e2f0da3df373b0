import type { Job } from '../job';
import type { JobChange } from '../job-change';

export type ChangeResult =
  | { applied: true; job: Job }
  /** The condition did not hold; `current` is the item as the store saw it (undefined: no such job). */
  | { applied: false; current: Job | undefined };

/**
 * Where jobs live. Every write is conditional: `create` only when the id is new, `applyChange`
 * only when the change's expectation holds, and each write increments `version`.
 */
export interface JobRepository {
  /**
   * Stores a new job. A retry that finds this very job (`isSameJob`) already stored, because an
   * earlier try landed unanswered, succeeds.
   * @throws JobAlreadyExistsError when the id is taken by another job.
   */
  create(job: Job): Promise<void>;
  /**
   * Stores the job and its idempotency key in one transaction, unless the key is taken: then
   * nothing is written and the key's record is returned. A key past its expiry is free (the store
   * deletes expired items lazily), and so is one that still points at `replacing`.
   */
  createIdempotent(job: Job, idempotency: IdempotencyClaim): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }>;
  /** A strongly consistent read. */
  get(jobId: string): Promise<Job | undefined>;
  applyChange(jobId: string, change: JobChange): Promise<ChangeResult>;
  /**
   * Up to `limit` jobs of the given types, newest first, created strictly before `before`
   * (a position from `listPosition`), from an index: never a table scan. With `owner`, only that
   * principal's jobs, from an index keyed by owner; without, every owner's. A page may stop short
   * of `limit` with `more` set; it never skips a job that exists.
   */
  listNewest(query: ListNewestQuery): Promise<{ jobs: Job[]; more: boolean }>;
  /**
   * Ids of up to `limit` jobs whose entry for `consumerId` is unfinished with a deadline before
   * `before` (epoch ms), from an index of unfinished entries: never a table scan. The index may
   * lag the table; callers judge each job from a read.
   */
  findOverdue(query: { consumerId: string; before: number; limit: number }): Promise<string[]>;
}

/** The key a request claims: hashes of the key and of the request, never the key itself. */
export interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
  /** Take the key over from this job, which the caller found gone before the key expired. */
  replacing?: string;
}

/** What an idempotency key was first used for. */
export interface IdempotencyRecord {
  keyHash: string;
  requestHash: string;
  jobId: string;
}

export interface ListNewestQuery {
  types: readonly string[];
  limit: number;
  before?: string;
  /** A principal: only the jobs it owns. */
  owner?: string;
}

/** A job's place in the newest-first order: creation time, then id to break ties. */
export function listPosition(job: Pick<Job, 'createdAt' | 'id'>): string {
  return `${job.createdAt}#${job.id}`;
}

/** A fresh UUID with the same creation instant and type: the stored item is this job, not another one with its id. */
export function isSameJob(stored: Pick<Job, 'id' | 'createdAt' | 'type'>, job: Job): boolean {
  return stored.id === job.id && stored.createdAt === job.createdAt && stored.type === job.type;
}
