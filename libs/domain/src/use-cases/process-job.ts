import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import { handOverDeadline, retryDeadline, type DeadlinePolicy } from '../deadline-policy';
import { JobsError, PermanentJobError, RunTimedOutError } from '../errors';
import { failureReasonOf } from '../failure-reason';
import type { ConsumerEntry, FailureReason, Job, JsonValue } from '../job';
import { executionOf, type JobRunContext, type JobType } from '../job-types/job-type';
import type { JobTypeRegistry } from '../job-types/job-type-registry';
import {
  claimTransition,
  completeTransition,
  handOverFailureTransition,
  releaseTransition,
  type StopReason,
  type Transition,
} from '../job-transitions';
import type { Clock } from '../ports/clock';
import type { FailureNoticePublisher } from '../ports/failure-notice-publisher';
import type { IdGenerator } from '../ports/id-generator';
import type { JobRepository } from '../ports/job-repository';
import type { ResultStore } from '../ports/result-store';
import type { RunDispatcher, RunOrder } from '../ports/run-dispatcher';
import { placeResult, type PlacedResult } from '../result-placement';
import { validateJobInput } from '../schemas/submit-job-request';
import { keepLease, type LeaseKeeper, type LeasePolicy } from './lease-keeper';

export interface ProcessJobDeps {
  repository: JobRepository;
  /** When the sweeper looks at an entry this run leaves unfinished. */
  deadlines: DeadlinePolicy;
  registry: JobTypeRegistry;
  publisher: FailureNoticePublisher;
  ids: IdGenerator;
  clock: Clock;
  conflictPolicy?: ConflictRetryPolicy;
  /** Where results beyond the inline limit go (the results bucket). */
  results?: ResultStore;
  /**
   * The runner that takes the runs of types declared `execution: 'runner'`, and how long a dispatching
   * claim holds: the runner's queue (its maximum event age) plus a lease. Without it every run is inline.
   */
  dispatch?: { dispatcher: RunDispatcher; leaseMs: number };
}

export type ProcessOutcome =
  | { kind: 'succeeded'; attempt: number; job: Job }
  /** Nothing to do: a duplicate or stale delivery, a cancelled or vanished job, a run that lost its claim. */
  | { kind: 'skipped'; stage: 'claim' | 'run' | 'complete'; reason: StopReason }
  /** Try again later: report the record as a batch item failure. */
  | { kind: 'retry'; reason: FailureReason; attempt?: number }
  /** Failed for good and handed to the error topic. */
  | { kind: 'failed'; reason: FailureReason; attempt: number }
  /** Claimed and handed to the runner; `again`: the order of an earlier delivery's claim, sent once more. */
  | { kind: 'dispatched'; attempt: number; again?: true };

export interface ProcessJobArgs {
  job: Job;
  consumerId: string;
  lease: LeasePolicy;
  /** When this delivery must have been answered (epoch ms): the invocation's deadline. */
  deadline: number;
  /** Told when the claim is taken, before the job runs: the PENDING → RUNNING line of the job's story. */
  onClaimed?: (claimed: { attempt: number }) => void;
  /** Told when a lease renewal failed for a passing reason (it is tried again at the next beat). */
  onRenewalError?: (error: unknown) => void;
}

/**
 * One consumer's handling of one job: claim it, then run it here or, for a type declared
 * `execution: 'runner'`, dispatch the run to the runner (which adopts the claim) and return at once.
 */
export async function processJob(deps: ProcessJobDeps, args: ProcessJobArgs): Promise<ProcessOutcome> {
  if (deps.dispatch && runsOnRunner(deps, args.job)) return dispatchJob(deps, deps.dispatch, args);
  const claimToken = deps.ids.newToken();
  const claim = await claimOrTakeOver(deps, args, (now, leaseExpiresAt) =>
    claimTransition({ consumerId: args.consumerId, claimToken, now, leaseExpiresAt }),
  );
  if (claim.kind !== 'written') return claim.outcome;
  const attempt = claim.job.consumers[args.consumerId].attempts;
  args.onClaimed?.({ attempt });
  return runClaimedJob(deps, { ...args, job: claim.job, claimToken, attempt }, releaseForRedelivery(deps));
}

function runsOnRunner(deps: ProcessJobDeps, job: Job): boolean {
  return deps.registry.names().includes(job.type) && executionOf(deps.registry.get(job.type), job.input) === 'runner';
}

/**
 * Claims the job for the runner and sends it the order. A claim held already is either a dispatch an
 * earlier delivery made (its order is sent again: only one runner adopts it, and the processor may have
 * died before sending it) or a runner's, which answers for the job. An order that cannot be sent
 * releases the claim for the stream to deliver again.
 */
async function dispatchJob(
  deps: ProcessJobDeps,
  dispatch: NonNullable<ProcessJobDeps['dispatch']>,
  args: ProcessJobArgs,
): Promise<ProcessOutcome> {
  const { job, consumerId } = args;
  const claimToken = deps.ids.newToken();
  const now = deps.clock.now();
  const claim = await applyTransition(
    deps,
    job.id,
    claimTransition({ consumerId, claimToken, now, leaseExpiresAt: now.getTime() + dispatch.leaseMs, dispatch: true }),
    { seen: job, policy: deps.conflictPolicy },
  );
  if (claim.kind === 'stopped') {
    const held = claim.job?.consumers[consumerId];
    if (claim.reason.code !== 'CLAIM_HELD' || held?.dispatchedAt === undefined || held.claimToken === undefined)
      return { kind: 'skipped', stage: 'claim', reason: claim.reason };
    await dispatch.dispatcher.dispatch(runOrder(claim.job as Job, consumerId, held.claimToken, held.dispatchedAt));
    return { kind: 'dispatched', attempt: held.attempts, again: true };
  }
  const entry = claim.job.consumers[consumerId];
  args.onClaimed?.({ attempt: entry.attempts });
  // Attempts used up: fail it here, as inline (ATTEMPTS_EXHAUSTED before any run), rather than spend a runner on it.
  if (attemptOfRound(entry, entry.attempts) > deps.registry.get(job.type).maxAttempts)
    return runClaimedJob(deps, { ...args, job: claim.job, claimToken, attempt: entry.attempts }, releaseForRedelivery(deps));
  try {
    await dispatch.dispatcher.dispatch(runOrder(claim.job, consumerId, claimToken, entry.dispatchedAt ?? now.toISOString()));
  } catch (error) {
    const reason = { code: 'DISPATCH_FAILED', message: `the runner did not take the run: ${failureReasonOf(error).message}` };
    // The run never started: its attempt is given back with the claim.
    await releaseForRedelivery(deps, { unstarted: true })({ job: claim.job, consumerId, claimToken }, reason);
    return { kind: 'retry', reason, attempt: entry.attempts - 1 };
  }
  return { kind: 'dispatched', attempt: entry.attempts };
}

export function runOrder(job: Job, consumerId: string, claimToken: string, dispatchedAt: string): RunOrder {
  return { kind: 'JobRunDispatched', jobId: job.id, consumerId, claimToken, job, dispatchedAt };
}

/** What a run that failed retryably leaves for its next attempt. */
export type RetryLater = (run: { job: Job; consumerId: string; claimToken: string }, lastError: FailureReason) => Promise<void>;

/**
 * Inline: the claim goes back to PENDING, and the stream delivers the record again (reported as a batch item failure).
 * `unstarted`: the claim's run never started, and its attempt is given back.
 */
export function releaseForRedelivery(deps: Omit<ProcessJobDeps, 'dispatch'>, options: { unstarted?: boolean } = {}): RetryLater {
  return async ({ job, consumerId, claimToken }, lastError) => {
    const now = deps.clock.now();
    await applyTransition(
      deps,
      job.id,
      releaseTransition({
        consumerId,
        claimToken,
        lastError,
        now,
        deadline: retryDeadline(job, now, deps.deadlines, job.consumers[consumerId]),
        unstarted: options.unstarted,
      }),
      { seen: job, policy: deps.conflictPolicy },
    );
  };
}

/**
 * Runs a claimed job under its lease: its type under a renewed lease and its run limit, then the result
 * recorded under the claim. Retryable failures are left to `retryLater`; permanent ones (bad input found
 * at this second validation, attempts used up) go to the failure publisher.
 */
export async function runClaimedJob(
  deps: Omit<ProcessJobDeps, 'dispatch'>,
  args: Pick<ProcessJobArgs, 'consumerId' | 'lease' | 'onRenewalError'> & { job: Job; claimToken: string; attempt: number },
  retryLater: RetryLater,
): Promise<ProcessOutcome> {
  const { job: claimed, consumerId, claimToken, attempt } = args;
  const keeper = keepLease(deps, { job: claimed, consumerId, claimToken, lease: args.lease, onRenewalError: args.onRenewalError });
  let type: JobType | undefined;
  let placed: PlacedResult;
  try {
    type = deps.registry.get(claimed.type);
    if (attemptOfRound(claimed.consumers[consumerId], attempt) > type.maxAttempts) {
      throw new PermanentJobError('ATTEMPTS_EXHAUSTED', `All ${type.maxAttempts} attempts were used`);
    }
    validateJobInput(deps.registry, claimed.type, claimed.input);
    const result = await runWithinLimit(type, claimed, {
      jobId: claimed.id,
      consumerId,
      attempt,
      clock: deps.clock,
      signal: keeper.signal,
      reportProgress: (progress) => keeper.reportProgress(progress),
    });
    // Stored while the lease is still kept: a large upload is part of the run.
    placed = await placeResult(result, { jobId: claimed.id, consumerId, claimToken }, deps.results);
  } catch (error) {
    if (keeper.lost) {
      await keeper.stop();
      return { kind: 'skipped', stage: 'run', reason: keeper.lost };
    }
    // The heartbeat goes on while the failure is handed over, which may wait out an outage.
    return handleRunFailure(deps, { job: claimed, consumerId, claimToken, attempt, error, type, keeper, retryLater });
  }
  await keeper.stop();
  if (keeper.lost) return { kind: 'skipped', stage: 'run', reason: keeper.lost };
  const completion = await applyTransition(
    deps,
    claimed.id,
    completeTransition({ consumerId, claimToken, placed, now: deps.clock.now() }),
    {
      seen: claimed,
      policy: deps.conflictPolicy,
    },
  );
  if (completion.kind === 'stopped') return { kind: 'skipped', stage: 'complete', reason: completion.reason };
  return { kind: 'succeeded', attempt, job: completion.job };
}

type ClaimResult = { kind: 'written'; job: Job } | { kind: 'not-claimed'; outcome: ProcessOutcome };

/**
 * Claims the job (`claimWith` plans the write at an instant with the lease it sets). When another run
 * holds it and its lease runs out while this delivery still has time, waits for that and tries once more:
 * this is how the retry of a crashed run takes the job over. A claim still held after that belongs to a
 * live run (it renewed its lease), whose own delivery answers for the job, so this duplicate is
 * acknowledged. A lease that outlasts this delivery: `whenHeldTooLong` (inline, the mapping delivers again later).
 */
export async function claimOrTakeOver(
  deps: Omit<ProcessJobDeps, 'dispatch'>,
  args: Pick<ProcessJobArgs, 'job' | 'consumerId' | 'lease' | 'deadline'>,
  claimWith: (now: Date, leaseExpiresAt: number) => Transition,
  whenHeldTooLong: 'retry' | 'skip' = 'retry',
): Promise<ClaimResult> {
  const { job, consumerId, lease } = args;
  const claimNow = (seen: Job | undefined) => {
    const now = deps.clock.now();
    // The claim leaves the entry's deadline as the submit set it: moving it would rewrite the
    // index key (two index writes per consumer and job) for the rare run that dies unseen.
    return applyTransition(deps, job.id, claimWith(now, now.getTime() + lease.durationMs), { seen, policy: deps.conflictPolicy });
  };
  // A claim whose answer was lost, and whose retry was refused, is recognised by its token (either claim).
  let claim = await claimNow(job);
  if (claim.kind === 'stopped' && claim.reason.code === 'CLAIM_HELD') {
    const heldUntil = claim.job?.consumers[consumerId]?.leaseExpiresAt ?? Number.POSITIVE_INFINITY;
    // Enough time left to take over and run the job to its limit; otherwise the mapping delivers again later.
    if (heldUntil + runBudgetMs(deps, job, lease) > args.deadline) {
      const reason = { code: 'CLAIM_HELD' as const, message: claim.reason.message };
      return {
        kind: 'not-claimed',
        outcome: whenHeldTooLong === 'retry' ? { kind: 'retry', reason } : { kind: 'skipped', stage: 'claim', reason },
      };
    }
    await deps.clock.sleep(Math.max(0, heldUntil - deps.clock.now().getTime()) + 1);
    claim = await claimNow(undefined);
  }
  if (claim.kind === 'written') return { kind: 'written', job: claim.job };
  return { kind: 'not-claimed', outcome: { kind: 'skipped', stage: 'claim', reason: claim.reason } };
}

/** How long a run of this job may take: its type's limit (a lease for a type this deployment does not know, which fails at once). */
function runBudgetMs(deps: Pick<ProcessJobDeps, 'registry'>, job: Job, lease: LeasePolicy): number {
  return deps.registry.names().includes(job.type) ? deps.registry.get(job.type).runLimit.seconds * 1000 : lease.durationMs;
}

/**
 * Runs the job under its type's run limit: at the limit the run's signal fires (a cooperative run
 * stops) and the run counts as timed out, whether or not its code ever settles.
 */
async function runWithinLimit(type: JobType, job: Job, context: JobRunContext): Promise<JsonValue> {
  const limit = new AbortController();
  const timedOut = new RunTimedOutError(type.name, type.runLimit.seconds, type.runLimit.onTimeout === 'retry');
  const timer = setTimeout(() => limit.abort(timedOut), type.runLimit.seconds * 1000);
  const reachedLimit = new Promise<never>((_, reject) => limit.signal.addEventListener('abort', () => reject(timedOut), { once: true }));
  try {
    return await Promise.race([type.run(job.input, { ...context, signal: AbortSignal.any([context.signal, limit.signal]) }), reachedLimit]);
  } catch (error) {
    // Whatever the run threw on its way out, reaching the limit is what happened.
    throw limit.signal.aborted ? timedOut : error;
  } finally {
    clearTimeout(timer);
  }
}

async function handleRunFailure(
  deps: Omit<ProcessJobDeps, 'dispatch'>,
  run: {
    job: Job;
    consumerId: string;
    claimToken: string;
    attempt: number;
    error: unknown;
    type: JobType | undefined;
    keeper: LeaseKeeper;
    retryLater: RetryLater;
  },
): Promise<ProcessOutcome> {
  const { job, consumerId, claimToken, attempt, type, keeper } = run;
  let reason = failureReasonOf(run.error);
  const permanent = run.error instanceof JobsError && !run.error.retryable;
  const lastAttempt = type !== undefined && attemptOfRound(job.consumers[consumerId], attempt) >= type.maxAttempts;
  const release = async (lastError: FailureReason) => {
    await keeper.stop();
    await run.retryLater({ job, consumerId, claimToken }, lastError);
  };

  if (!permanent && !lastAttempt) {
    await release(reason);
    return { kind: 'retry', reason, attempt };
  }
  if (!permanent) {
    reason = { code: 'ATTEMPTS_EXHAUSTED', message: `Attempt ${attempt} of ${attempt} failed: ${reason.code}: ${reason.message}` };
  }
  try {
    await deps.publisher.publishFailure({
      kind: 'JobFailed',
      jobId: job.id,
      consumerId,
      claimToken,
      reason,
      attempt,
      occurredAt: deps.clock.now().toISOString(),
    });
  } catch (publishError) {
    // Without the notice nobody would record the failure: hand the job back for redelivery instead.
    const notPublished = { code: 'FAILURE_NOT_PUBLISHED', message: `${reason.code}: ${failureReasonOf(publishError).message}` };
    await release(reason);
    return { kind: 'retry', reason: notPublished, attempt };
  }
  // The claim stays, without a lease, until the error handler records FAILED over it.
  await keeper.stop();
  const now = deps.clock.now();
  await applyTransition(
    deps,
    job.id,
    handOverFailureTransition({ consumerId, claimToken, reason, now, deadline: handOverDeadline(now, deps.deadlines) }),
    {
      seen: job,
      policy: deps.conflictPolicy,
    },
  );
  return { kind: 'failed', reason, attempt };
}

/** The attempt within the entry's current round: a caller's retry gives the type its `maxAttempts` again. */
function attemptOfRound(entry: Pick<ConsumerEntry, 'attemptsBeforeRetry'> | undefined, attempt: number): number {
  return attempt - (entry?.attemptsBeforeRetry ?? 0);
}
