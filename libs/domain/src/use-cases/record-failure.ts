import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import type { FailureOrigin } from '../failure-origin';
import type { FailureReason, Job } from '../job';
import { failTransition, type StopReason } from '../job-transitions';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { JobRepository } from '../ports/job-repository';

export interface FailureToRecord {
  jobId: string;
  consumerId: string;
  reason: FailureReason;
  origin: FailureOrigin;
}

export type RecordFailureOutcome =
  | { kind: 'recorded'; job: Job }
  /** The same failure arrived before (a retry, a replay): nothing to do. */
  | { kind: 'already-recorded' }
  /**
   * Not this failure's to record: the job is gone, the entry finished otherwise, a newer attempt or
   * a live run holds it (and answers for it), or nothing shows it was in the failed batch.
   */
  | { kind: 'not-recordable'; reason: StopReason };

/**
 * Marks the consumer's entry FAILED with the reason, idempotently, under the condition its origin
 * sets. A write whose answer was lost and whose retry was refused still counts as recorded.
 * @throws StoreUnavailableError, JobConflictError: the caller must keep the failure for a replay.
 */
export async function recordFailure(
  deps: { repository: JobRepository; clock: Clock; ids: Pick<IdGenerator, 'newToken'>; conflictPolicy?: ConflictRetryPolicy },
  failure: FailureToRecord,
): Promise<RecordFailureOutcome> {
  const transition = failTransition({
    consumerId: failure.consumerId,
    reason: failure.reason,
    origin: failure.origin,
    token: deps.ids.newToken(),
    now: deps.clock.now(),
  });
  const outcome = await applyTransition(deps, failure.jobId, transition, { policy: deps.conflictPolicy });
  if (outcome.kind === 'written') return { kind: 'recorded', job: outcome.job };
  if (outcome.reason.code === 'ALREADY_FAILED') return { kind: 'already-recorded' };
  return { kind: 'not-recordable', reason: outcome.reason };
}
