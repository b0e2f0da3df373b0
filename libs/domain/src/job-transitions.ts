import type { JobChange, RemovableEntryField } from './job-change';
import { deriveJobStatus, isTerminal, phaseOf } from './job-status';
import type { FailureOrigin } from './failure-origin';
import type { ConsumerEntry, FailureReason, Job, RunProgress } from './job';
import type { PlacedResult } from './result-placement';
import { mayAccess, type Caller } from './owner';

/**
 * The writes of the locking protocol, as pure decisions over the job as last seen. Each returns
 * either the one conditional change to make or the reason it no longer makes sense. The same
 * planner runs again on the fresh item after a lost condition, which is how a conflict is re-applied
 * or turned into a decision to stop.
 */
export type Decision =
  | { kind: 'write'; change: JobChange }
  | { kind: 'stop'; reason: StopReason }
  /**
   * The job already shows this very write, recognised by its token: an earlier try landed but its
   * answer was lost (a timeout, a dropped connection) and the retry was refused by its condition.
   */
  | { kind: 'already-applied'; job: Job };

export type StopCode =
  | 'JOB_NOT_FOUND'
  | 'UNKNOWN_CONSUMER'
  | 'ALREADY_FINISHED'
  | 'ALREADY_FAILED'
  | 'ALREADY_CANCELLED'
  | 'CANCELLED'
  | 'CLAIM_HELD'
  | 'FAILURE_HANDED_OVER'
  | 'STALE_CLAIM'
  | 'UNATTEMPTED'
  | 'NOT_DUE'
  | 'NOTHING_TO_RETRY';

export interface StopReason {
  code: StopCode;
  message: string;
  /** The entry's status when the decision was taken, when there is one. */
  status?: string;
}

export interface Transition {
  /** Names the operation in logs and conflict errors. */
  readonly name: string;
  plan(job: Job | undefined): Decision;
}

export const stop = (code: StopCode, message: string, status?: string): Decision => ({
  kind: 'stop',
  reason: { code, message, ...(status ? { status } : {}) },
});

/** The consumer's entry, or the decision to stop because there is none. */
export function entryOf(job: Job | undefined, consumerId: string): ConsumerEntry | Decision {
  if (!job) return stop('JOB_NOT_FOUND', 'the job does not exist (never created, or expired)');
  return job.consumers[consumerId] ?? stop('UNKNOWN_CONSUMER', `the job was not created for consumer ${consumerId}`);
}

export const isDecision = (value: ConsumerEntry | Decision): value is Decision => 'kind' in value;

/**
 * PENDING → RUNNING (or a takeover of an expired lease), with a fresh claim token. `dispatch`: the claim
 * is taken for the runner (its lease then covers the runner's queue), marked dispatched until one adopts it.
 */
export function claimTransition(args: {
  consumerId: string;
  claimToken: string;
  now: Date;
  leaseExpiresAt: number;
  dispatch?: boolean;
}): Transition {
  const { consumerId, claimToken, now, leaseExpiresAt } = args;
  return {
    name: 'claim',
    plan(job) {
      const entry = entryOf(job, consumerId);
      if (isDecision(entry)) return entry;
      if (entry.status === 'RUNNING' && entry.claimToken === claimToken) return { kind: 'already-applied', job: job as Job };
      if (entry.status === 'CANCELLED') return stop('CANCELLED', 'the job was cancelled', entry.status);
      if (isTerminal(entry.status)) {
        return stop('ALREADY_FINISHED', `this consumer already finished the job (${entry.status})`, entry.status);
      }
      // RUNNING without a lease: the run failed for good and the error handler is recording it.
      if (entry.status === 'RUNNING' && entry.leaseExpiresAt === undefined) {
        return stop('FAILURE_HANDED_OVER', 'the run failed for good; the error handler records the failure', entry.status);
      }
      if (entry.status === 'RUNNING' && (entry.leaseExpiresAt ?? 0) >= now.getTime()) {
        return stop('CLAIM_HELD', 'another run holds an unexpired claim on the job', entry.status);
      }
      return {
        kind: 'write',
        change: {
          expect: { entries: { [consumerId]: { kind: 'claimable', now: now.getTime() } } },
          entries: {
            [consumerId]: {
              set: {
                status: 'RUNNING',
                claimToken,
                leaseExpiresAt,
                startedAt: now.toISOString(),
                updatedAt: now.toISOString(),
                ...(args.dispatch ? { dispatchedAt: now.toISOString() } : {}),
              },
              // A lapsed dispatch taken over is no longer waiting for a runner.
              ...(!args.dispatch && entry.dispatchedAt !== undefined ? { remove: ['dispatchedAt'] as const } : {}),
              incrementAttempts: true,
            },
          },
          // The retry's mark goes with the first claim after it: later writes no longer pass the stream's filter.
          ...(job?.retryRequestedAt !== undefined ? { retryRequestedAt: null } : {}),
          updatedAt: now.toISOString(),
        },
      };
    },
  };
}

/**
 * A write by the run that holds the claim: it stops unless the entry is still RUNNING under that
 * claim (a stale run must not overwrite a newer one), and drops the claim as it changes the entry, unless
 * the write is the claim's own renewal.
 */
function underClaim(
  name: string,
  args: { consumerId: string; claimToken: string; now: Date },
  patch: (at: string) => { set: Partial<ConsumerEntry>; remove: RemovableEntryField[]; attemptsDelta?: 1 | -1 },
  options: { keepsClaim?: boolean; landed?: (entry: ConsumerEntry) => boolean; whileHandedOver?: boolean } = {},
): Transition {
  const { consumerId, claimToken, now } = args;
  const keepsClaim = options.keepsClaim ?? false;
  return {
    name,
    plan(job) {
      const entry = entryOf(job, consumerId);
      if (isDecision(entry)) return entry;
      if (options.landed?.(entry)) return { kind: 'already-applied', job: job as Job };
      if (entry.status === 'CANCELLED') return stop('CANCELLED', 'the job was cancelled while it ran', entry.status);
      if (entry.status !== 'RUNNING' || entry.claimToken !== claimToken) {
        return stop('STALE_CLAIM', `the claim was lost; the entry is ${entry.status} under another run`, entry.status);
      }
      // Once a run handed its failure over, only the error handler (or the sweeper) ends the entry.
      if (phaseOf(entry) === 'HANDED_OVER' && !options.whileHandedOver) {
        return stop('FAILURE_HANDED_OVER', 'this run handed its failure to the error handler: it writes nothing more', entry.status);
      }
      const at = now.toISOString();
      const { set, remove, attemptsDelta } = patch(at);
      return {
        kind: 'write',
        change: {
          expect: { entries: { [consumerId]: { kind: 'held-by', claimToken } } },
          entries: {
            [consumerId]: {
              set: { ...set, updatedAt: at },
              remove: keepsClaim ? remove : ['claimToken', 'leaseExpiresAt', ...remove],
              ...(attemptsDelta === 1 ? { incrementAttempts: true } : attemptsDelta === -1 ? { decrementAttempts: true } : {}),
            },
          },
          updatedAt: at,
        },
      };
    },
  };
}

/** RUNNING → SUCCEEDED with the result, only under the claim that ran the job. */
export function completeTransition(args: { consumerId: string; claimToken: string; placed: PlacedResult; now: Date }): Transition {
  return underClaim(
    'complete',
    args,
    (at) => ({
      set: { status: 'SUCCEEDED', ...args.placed, finishedAt: at, finishedBy: args.claimToken },
      remove: ['lastError', 'deadline', 'resultRef' in args.placed ? 'result' : 'resultRef'],
    }),
    {
      landed: (entry) => entry.status === 'SUCCEEDED' && entry.finishedBy === args.claimToken,
    },
  );
}

/**
 * The running run's heartbeat: moves its lease forward, under its claim. A run that stops beating
 * (its environment crashed) loses the job to the next delivery once the lease runs out.
 */
export function renewLeaseTransition(args: {
  consumerId: string;
  claimToken: string;
  leaseExpiresAt: number;
  now: Date;
  /** The run's progress since the last renewal, stored with it at no extra write. */
  progress?: RunProgress;
}): Transition {
  return underClaim(
    'renew-lease',
    args,
    () => ({ set: { leaseExpiresAt: args.leaseExpiresAt, ...(args.progress ? { progress: args.progress } : {}) }, remove: [] }),
    { keepsClaim: true },
  );
}

/**
 * A runner takes over the dispatch that holds the entry: RUNNING under a dispatch's token becomes RUNNING under
 * the runner's own token and lease, not counted as a new attempt (the dispatching claim counted it). Whichever
 * order arrives adopts the entry's current dispatch — its own, or a later one whose order was never sent (a runner
 * died between its retry's write and its order) — and only one runner adopts a dispatch, even when orders are
 * delivered twice. Anything else is planned as a claim: a takeover once the entry's lease lapsed (a runner that
 * died), a stop otherwise.
 */
export function adoptTransition(args: { consumerId: string; claimToken: string; now: Date; leaseExpiresAt: number }): Transition {
  const { consumerId, claimToken, now, leaseExpiresAt } = args;
  const claim = claimTransition({ consumerId, claimToken, now, leaseExpiresAt });
  return {
    name: 'adopt',
    plan(job) {
      const entry = entryOf(job, consumerId);
      if (isDecision(entry)) return entry;
      const dispatch = entry.status === 'RUNNING' && entry.dispatchedAt !== undefined ? entry.claimToken : undefined;
      if (dispatch === undefined) return claim.plan(job);
      const at = now.toISOString();
      return {
        kind: 'write',
        change: {
          expect: { entries: { [consumerId]: { kind: 'dispatched', claimToken: dispatch } } },
          entries: { [consumerId]: { set: { claimToken, leaseExpiresAt, startedAt: at, updatedAt: at }, remove: ['dispatchedAt'] } },
          updatedAt: at,
        },
      };
    },
  };
}

/**
 * A runner's retryable failure: its claim becomes a new dispatch (the next attempt, counted now, with the
 * failure as `lastError`), so that the entry stays claimed while the order waits in the runner's queue.
 */
export function redispatchTransition(args: {
  consumerId: string;
  claimToken: string;
  dispatchToken: string;
  leaseExpiresAt: number;
  lastError: FailureReason;
  now: Date;
}): Transition {
  return underClaim(
    'redispatch',
    args,
    (at) => ({
      set: { claimToken: args.dispatchToken, leaseExpiresAt: args.leaseExpiresAt, dispatchedAt: at, lastError: args.lastError },
      remove: [],
      attemptsDelta: 1,
    }),
    { keepsClaim: true },
  );
}

/**
 * After a permanent failure was published: the entry stays RUNNING under the claim, with the reason
 * as `lastError`, but without a lease, so no redelivery claims and runs it again while the error
 * handler records FAILED.
 */
export function handOverFailureTransition(args: {
  consumerId: string;
  claimToken: string;
  reason: FailureReason;
  now: Date;
  deadline?: number;
}): Transition {
  return underClaim(
    'hand-over-failure',
    args,
    () => ({ set: { lastError: args.reason, deadline: args.deadline }, remove: ['leaseExpiresAt', 'dispatchedAt'] }),
    { keepsClaim: true, whileHandedOver: true },
  );
}

/**
 * RUNNING → PENDING after a retryable failure, so that the redelivery can claim the job again. `unstarted`: the
 * claim's run never started (its order could not be sent to the runner), so the attempt it counted is given back.
 */
export function releaseTransition(args: {
  consumerId: string;
  claimToken: string;
  lastError: FailureReason;
  now: Date;
  deadline?: number;
  unstarted?: boolean;
}): Transition {
  return underClaim('release', args, () => ({
    set: { status: 'PENDING', lastError: args.lastError, deadline: args.deadline },
    remove: ['dispatchedAt'],
    ...(args.unstarted ? { attemptsDelta: -1 } : {}),
  }));
}

/**
 * PENDING or RUNNING → FAILED with the reason, as the error handler records it, under the condition
 * its origin sets: a run's own failure only while that run still holds the claim (a superseded
 * attempt never overwrites a newer one); the event source's giving up only while no live run holds
 * the entry. Idempotent: an entry already FAILED stops with ALREADY_FAILED, unless it was this very
 * write (its `token`) whose answer was lost; a finished entry is never overwritten.
 */
export function failTransition(args: {
  consumerId: string;
  reason: FailureReason;
  origin: FailureOrigin;
  token: string;
  now: Date;
}): Transition {
  const { consumerId, origin, token, now } = args;
  return {
    name: 'fail',
    plan(job) {
      const entry = entryOf(job, consumerId);
      if (isDecision(entry)) return entry;
      if (entry.status === 'FAILED' && entry.finishedBy === token) return { kind: 'already-applied', job: job as Job };
      if (entry.status === 'FAILED') return stop('ALREADY_FAILED', 'the failure is already recorded', entry.status);
      if (isTerminal(entry.status)) {
        return stop('ALREADY_FINISHED', `the entry already finished as ${entry.status}`, entry.status);
      }
      let reason = args.reason;
      let expectation: JobChange['expect']['entries'][string];
      if (origin.kind === 'run' || (origin.kind === 'dispatch' && entry.status === 'RUNNING' && entry.claimToken === origin.claimToken)) {
        if (entry.status !== 'RUNNING' || entry.claimToken !== origin.claimToken) {
          return stop(
            'STALE_CLAIM',
            `the run that failed no longer holds the entry (now ${entry.status}, attempt ${entry.attempts})`,
            entry.status,
          );
        }
        expectation = { kind: 'held-by', claimToken: origin.claimToken };
      } else {
        if (entry.status === 'RUNNING' && entry.leaseExpiresAt !== undefined && entry.leaseExpiresAt >= now.getTime()) {
          return stop('CLAIM_HELD', 'a live run holds the entry and answers for the job', entry.status);
        }
        if (origin.kind === 'delivery' && origin.evidenceRequired && entry.status === 'PENDING' && entry.attempts === 0) {
          return stop(
            'UNATTEMPTED',
            'the failed batch shared its stream range with other batches and this entry shows no attempt of its own',
            entry.status,
          );
        }
        if (entry.lastError)
          reason = {
            code: reason.code,
            message: `${reason.message}; last error: ${entry.lastError.code}: ${entry.lastError.message}`.slice(0, 1000),
          };
        expectation = { kind: 'not-live', now: now.getTime() };
      }
      const at = now.toISOString();
      return {
        kind: 'write',
        change: {
          expect: { entries: { [consumerId]: expectation } },
          entries: {
            [consumerId]: {
              set: { status: 'FAILED', error: reason, finishedAt: at, finishedBy: token, updatedAt: at },
              remove: ['claimToken', 'leaseExpiresAt', 'dispatchedAt', 'deadline'],
            },
          },
          updatedAt: at,
        },
      };
    },
  };
}

/**
 * Every unfinished entry → CANCELLED, in one write. Its premise is exactly "these entries are still
 * unfinished and nobody cancelled": that is the condition, entry by entry, so consumers claiming or
 * releasing meanwhile do not make it conflict; one finishing meanwhile does, and the re-plan leaves
 * that entry alone.
 */
export function cancelTransition(args: { now: Date; by: Caller }): Transition {
  const at = args.now.toISOString();
  return {
    name: 'cancel',
    plan(job) {
      // Another owner's job is, to this caller, a job that does not exist.
      if (!job || !mayAccess(args.by, job)) return stop('JOB_NOT_FOUND', 'the job does not exist (never created, or expired)');
      if (job.cancelledAt) return stop('ALREADY_CANCELLED', 'the job is already cancelled', 'CANCELLED');
      const status = deriveJobStatus(job);
      if (isTerminal(status)) return stop('ALREADY_FINISHED', `the job already finished as ${status}`, status);
      const reason = { code: 'CANCELLED', message: 'cancelled by request' };
      const unfinished = Object.keys(job.consumers).filter((consumerId) => !isTerminal(job.consumers[consumerId].status));
      const entries = Object.fromEntries(
        unfinished.map((consumerId) => [
          consumerId,
          {
            set: { status: 'CANCELLED' as const, error: reason, finishedAt: at, updatedAt: at },
            remove: ['claimToken', 'leaseExpiresAt', 'dispatchedAt', 'deadline'] as const,
          },
        ]),
      );
      const expectations = Object.fromEntries(
        unfinished.map((consumerId) => [consumerId, { kind: 'status-in' as const, statuses: ['PENDING', 'RUNNING'] as const }]),
      );
      return {
        kind: 'write',
        change: {
          expect: { notCancelled: true, entries: expectations },
          entries,
          cancelledAt: at,
          cancelledBy: args.by.owner.principal,
          updatedAt: at,
        },
      };
    },
  };
}

/**
 * A caller's retry of a FAILED job: every FAILED entry back to PENDING, its attempts kept (the type's `maxAttempts`
 * counts again from them) and its failure kept as `lastError`, with a new pickup deadline; the write carries the
 * retry's mark, which lets it through the stream's filter to the processors. Only a job that ended FAILED is
 * retried: one still running, succeeded or cancelled has nothing to retry.
 */
export function retryTransition(args: { now: Date; by: Caller; deadlineOf: (retriedAt: Date) => number }): Transition {
  const at = args.now.toISOString();
  return {
    name: 'retry',
    plan(job) {
      if (!job || !mayAccess(args.by, job)) return stop('JOB_NOT_FOUND', 'the job does not exist (never created, or expired)');
      const status = deriveJobStatus(job);
      if (status !== 'FAILED') {
        return stop('NOTHING_TO_RETRY', `the job is ${status}: only a job that ended FAILED can be retried`, status);
      }
      const failed = Object.keys(job.consumers).filter((consumerId) => job.consumers[consumerId].status === 'FAILED');
      const entries = Object.fromEntries(
        failed.map((consumerId) => {
          const entry = job.consumers[consumerId];
          return [
            consumerId,
            {
              set: {
                status: 'PENDING' as const,
                ...(entry.error ? { lastError: entry.error } : {}),
                retriedAt: at,
                attemptsBeforeRetry: entry.attempts,
                deadline: args.deadlineOf(args.now),
                updatedAt: at,
              },
              remove: ['error', 'finishedAt', 'finishedBy', 'claimToken', 'leaseExpiresAt', 'progress'] as const,
            },
          ];
        }),
      );
      const expectations = Object.fromEntries(
        failed.map((consumerId) => [consumerId, { kind: 'status-in' as const, statuses: ['FAILED'] as const }]),
      );
      return {
        kind: 'write',
        change: { expect: { notCancelled: true, entries: expectations }, entries, retryRequestedAt: at, updatedAt: at },
      };
    },
  };
}
