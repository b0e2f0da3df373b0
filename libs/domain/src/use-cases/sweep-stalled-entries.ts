import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import type { DeadlinePolicy } from '../deadline-policy';
import type { FailureReason } from '../job';
import type { StopReason } from '../job-transitions';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { JobRepository } from '../ports/job-repository';
import { sweepTransition, type StallCode } from '../sweep-transition';
import { failureReasonOf } from '../failure-reason';

export type SweepOutcome = { jobId: string; consumerId: string } & (
  | { kind: 'ended'; stall: StallCode; reason: FailureReason }
  | { kind: 'postponed'; until: number }
  | { kind: 'cleaned' }
  /** Not overdue after all (the index lags the table), gone, or changed meanwhile and judged again later. */
  | { kind: 'skipped'; reason: StopReason }
  /** The store could not be reached (or kept conflicting): the entry is looked at again at the next sweep. */
  | { kind: 'failed'; reason: FailureReason }
);

export interface SweepDeps {
  repository: JobRepository;
  clock: Clock;
  ids: Pick<IdGenerator, 'newToken'>;
  conflictPolicy?: ConflictRetryPolicy;
}

/**
 * Ends the consumer entries that nothing else will finish. For each consumer it asks the store for
 * entries whose deadline has passed (an index, never a scan), judges each from a strongly
 * consistent read and writes the verdict conditionally: FAILED with the stall's reason, a later
 * deadline for an entry that is still alive or deliverable, or nothing when the index lagged.
 * Stops when a page brings nothing new, or at `until` (epoch ms) so that the invocation answers in time.
 */
export async function sweepStalledEntries(
  deps: SweepDeps,
  args: {
    consumers: readonly string[];
    policy: DeadlinePolicy;
    pageSize?: number;
    until?: number;
    onOutcome?: (outcome: SweepOutcome) => void;
  },
): Promise<SweepOutcome[]> {
  const pageSize = args.pageSize ?? 100;
  const outcomes: SweepOutcome[] = [];
  for (const consumerId of args.consumers) {
    for (;;) {
      const now = deps.clock.now();
      if (args.until !== undefined && now.getTime() >= args.until) return outcomes;
      const jobIds = await deps.repository.findOverdue({ consumerId, before: now.getTime(), limit: pageSize });
      let progressed = false;
      for (const jobId of jobIds) {
        const transition = sweepTransition({ consumerId, now: deps.clock.now(), policy: args.policy, token: deps.ids.newToken() });
        // One entry the store will not take does not stop the sweep of the others.
        const outcome = await applyTransition(deps, jobId, transition, { policy: deps.conflictPolicy }).then(
          (written) => outcomeOf(jobId, consumerId, written.kind === 'stopped' ? written.reason : undefined, transition.verdict),
          (error: unknown): SweepOutcome => ({ jobId, consumerId, kind: 'failed', reason: failureReasonOf(error) }),
        );
        progressed ||= outcome.kind !== 'skipped' && outcome.kind !== 'failed';
        outcomes.push(outcome);
        args.onOutcome?.(outcome);
      }
      // A short page was the last one; a page of nothing but lagging index entries would come back unchanged.
      if (jobIds.length < pageSize || !progressed) break;
    }
  }
  return outcomes;
}

function outcomeOf(
  jobId: string,
  consumerId: string,
  stopped: StopReason | undefined,
  verdict: ReturnType<typeof sweepTransition>['verdict'],
): SweepOutcome {
  if (stopped || !verdict) return { jobId, consumerId, kind: 'skipped', reason: stopped ?? { code: 'NOT_DUE', message: 'already swept' } };
  switch (verdict.kind) {
    case 'end':
      return { jobId, consumerId, kind: 'ended', stall: verdict.stall, reason: verdict.reason };
    case 'postpone':
      return { jobId, consumerId, kind: 'postponed', until: verdict.until };
    case 'clean':
      return { jobId, consumerId, kind: 'cleaned' };
  }
}
