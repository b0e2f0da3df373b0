import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import type { FailureReason, Job } from '../job';
import { failTransition, type StopReason } from '../job-transitions';
import type { Clock } from '../ports/clock';
import type { JobRepository } from '../ports/job-repository';

export interface FailureToRecord {
  jobId: string;
  consumerId: string;
  reason: FailureReason;
}

export type RecordFailureOutcome =
  | { kind: 'recorded'; job: Job }
  /** The same failure arrived before (a retry, a replay): nothing to do. */
  | { kind: 'already-recorded' }
  /** Nothing to record it on (job gone, unknown consumer) or the entry already finished otherwise. */
  | { kind: 'not-recordable'; reason: StopReason };

/**
 * Marks the consumer's entry FAILED with the reason, idempotently.
 * @throws StoreUnavailableError, JobConflictError: the caller must keep the failure for a replay.
 */
export async function recordFailure(
  deps: { repository: JobRepository; clock: Clock; conflictPolicy?: ConflictRetryPolicy },
  failure: FailureToRecord,
): Promise<RecordFailureOutcome> {
  const transition = failTransition({ consumerId: failure.consumerId, reason: failure.reason, now: deps.clock.now() });
  const outcome = await applyTransition(deps, failure.jobId, transition, { policy: deps.conflictPolicy });
  if (outcome.kind === 'written') return { kind: 'recorded', job: outcome.job };
  if (outcome.reason.code === 'ALREADY_FAILED') return { kind: 'already-recorded' };
  return { kind: 'not-recordable', reason: outcome.reason };
}
