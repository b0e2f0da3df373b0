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
  /** @throws JobAlreadyExistsError when the id is taken. */
  create(job: Job): Promise<void>;
  /** A strongly consistent read. */
  get(jobId: string): Promise<Job | undefined>;
  applyChange(jobId: string, change: JobChange): Promise<ChangeResult>;
}
