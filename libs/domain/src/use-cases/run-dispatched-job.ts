import { applyTransition } from '../apply-transition';
import type { FailureReason } from '../job';
import { adoptTransition, redispatchTransition, releaseTransition } from '../job-transitions';
import { retryDeadline } from '../deadline-policy';
import type { RunDispatcher, RunOrder } from '../ports/run-dispatcher';
import type { LeasePolicy } from './lease-keeper';
import { claimOrTakeOver, runClaimedJob, runOrder, type ProcessJobDeps, type ProcessOutcome, type RetryLater } from './process-job';

export interface RunDispatchedJobDeps extends Omit<ProcessJobDeps, 'dispatch'> {
  /** The runner itself, for a retry: the next attempt is a new order in its queue. */
  dispatcher: RunDispatcher;
  /** How long a dispatching claim holds: the runner's queue (its maximum event age) plus a lease. */
  dispatchLeaseMs: number;
}

export interface RunDispatchedJobArgs {
  order: RunOrder;
  lease: LeasePolicy;
  /** When this invocation must have answered (epoch ms). */
  deadline: number;
  onClaimed?: (claimed: { attempt: number; adopted: boolean }) => void;
  onRenewalError?: (error: unknown) => void;
}

/**
 * The runner's handling of one order: adopt the dispatched claim (or take over a run that died, once its
 * lease lapsed), run the job under its lease and record the result, exactly as an inline run does. A
 * retryable failure dispatches the next attempt; if that order cannot be sent, the claim is released and
 * the error thrown, so that Lambda retries this invocation, whose order then claims the released entry.
 */
export async function runDispatchedJob(deps: RunDispatchedJobDeps, args: RunDispatchedJobArgs): Promise<ProcessOutcome> {
  const { order, lease } = args;
  const consumerId = order.consumerId;
  const claimToken = deps.ids.newToken();
  const claim = await claimOrTakeOver(
    deps,
    { job: order.job, consumerId, lease, deadline: args.deadline },
    (now, leaseExpiresAt) => adoptTransition({ consumerId, claimToken, now, leaseExpiresAt }),
    // A holder whose lease outlasts this invocation is live (or a dispatch still queued): it answers for the job.
    'skip',
  );
  if (claim.kind !== 'written') return claim.outcome;
  const entry = claim.job.consumers[consumerId];
  args.onClaimed?.({ attempt: entry.attempts, adopted: entry.attempts === order.job.consumers[consumerId]?.attempts });
  return runClaimedJob(
    deps,
    { consumerId, lease, onRenewalError: args.onRenewalError, job: claim.job, claimToken, attempt: entry.attempts },
    dispatchNextAttempt(deps),
  );
}

/** A runner's retry: its claim becomes the next attempt's dispatch, and the order goes to the runner's queue. */
function dispatchNextAttempt(deps: RunDispatchedJobDeps): RetryLater {
  return async ({ job, consumerId, claimToken }, lastError: FailureReason) => {
    const dispatchToken = deps.ids.newToken();
    const now = deps.clock.now();
    const redispatch = await applyTransition(
      deps,
      job.id,
      redispatchTransition({ consumerId, claimToken, dispatchToken, leaseExpiresAt: now.getTime() + deps.dispatchLeaseMs, lastError, now }),
      { seen: job, policy: deps.conflictPolicy },
    );
    if (redispatch.kind === 'stopped') return; // cancelled or taken over meanwhile: nothing to retry
    try {
      await deps.dispatcher.dispatch(runOrder(redispatch.job, consumerId, dispatchToken, now.toISOString()));
    } catch (error) {
      // The next attempt never started: its attempt is given back, and the sweeper waits as long as Lambda's retry may.
      const at = deps.clock.now();
      await applyTransition(
        deps,
        job.id,
        releaseTransition({
          consumerId,
          claimToken: dispatchToken,
          lastError,
          now: at,
          deadline: Math.max(retryDeadline(job, at, deps.deadlines, job.consumers[consumerId]), at.getTime() + deps.dispatchLeaseMs),
          unstarted: true,
        }),
        { seen: redispatch.job, policy: deps.conflictPolicy },
      );
      throw error;
    }
  };
}
