import { IllegalTransitionError, JobConflictError } from './errors';
import type { Job } from './job';
import { applyChange, type JobChange } from './job-change';
import { canTransition, phaseOf } from './job-status';
import type { StopReason, Transition } from './job-transitions';
import type { Clock } from './ports/clock';
import type { JobRepository } from './ports/job-repository';

export interface ConflictRetryPolicy {
  /** Writes attempted before giving up with JobConflictError. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultConflictRetryPolicy: ConflictRetryPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 400 };

export type TransitionOutcome =
  /** `alreadyApplied`: an earlier try of this write landed unanswered, and the job shows it. */
  | { kind: 'written'; job: Job; conflicts: number; alreadyApplied?: true }
  | { kind: 'stopped'; reason: StopReason; job: Job | undefined; conflicts: number };

/**
 * Runs a transition under optimistic locking: plan from the job as last seen (a stream image, or
 * a read when none is given), write conditionally, and on a lost condition plan again from the item
 * the store returned. Re-applies while the change still makes sense, with full-jitter backoff, and
 * throws JobConflictError once attempts run out: a conflict is either retried, refused with a
 * reason, or raised; never swallowed.
 */
export async function applyTransition(
  deps: { repository: JobRepository; clock: Clock; random?: () => number },
  jobId: string,
  transition: Transition,
  options: { seen?: Job; policy?: ConflictRetryPolicy } = {},
): Promise<TransitionOutcome> {
  const policy = options.policy ?? defaultConflictRetryPolicy;
  const random = deps.random ?? Math.random;
  let current = options.seen ?? (await deps.repository.get(jobId));
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const decision = transition.plan(current);
    if (decision.kind === 'stop') return { kind: 'stopped', reason: decision.reason, job: current, conflicts: attempt - 1 };
    if (decision.kind === 'already-applied') return { kind: 'written', job: decision.job, conflicts: attempt - 1, alreadyApplied: true };
    if (current) assertAlongTheStateMachine(transition.name, current, decision.change);
    const delay = attempt > 1 ? backoffMs(policy, attempt - 1, random) : 0;
    if (delay > 0) await deps.clock.sleep(delay);
    const result = await deps.repository.applyChange(jobId, decision.change);
    if (result.applied) return { kind: 'written', job: result.job, conflicts: attempt - 1 };
    current = result.current;
  }
  // One last look: the final conflict may have made the change pointless rather than impossible.
  const last = transition.plan(current);
  if (last.kind === 'stop') return { kind: 'stopped', reason: last.reason, job: current, conflicts: policy.maxAttempts };
  if (last.kind === 'already-applied') return { kind: 'written', job: last.job, conflicts: policy.maxAttempts, alreadyApplied: true };
  throw new JobConflictError(jobId, transition.name, policy.maxAttempts);
}

/** Every write moves each entry it touches only as the state machine allows: a planner's bug stops here, unwritten. */
function assertAlongTheStateMachine(transition: string, job: Job, change: JobChange): void {
  const next = applyChange(job, change);
  for (const consumerId of Object.keys(change.entries)) {
    const before = job.consumers[consumerId];
    if (!before) continue; // the condition refuses an entry that does not exist
    const [from, to] = [phaseOf(before), phaseOf(next.consumers[consumerId])];
    if (!canTransition(from, to)) throw new IllegalTransitionError(transition, consumerId, from, to);
  }
}

function backoffMs(policy: ConflictRetryPolicy, retry: number, random: () => number): number {
  // The refusal brought the fresh item with it, so the first re-plan goes at once; only a writer
  // that keeps losing backs off, with full jitter, so that competing writers spread out.
  if (retry === 1) return 0;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 2));
  return Math.floor(random() * ceiling);
}
