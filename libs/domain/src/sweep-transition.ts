import type { DeadlinePolicy } from './deadline-policy';
import { pickupDeadline } from './deadline-policy';
import type { EntryExpectation } from './job-change';
import { isTerminal } from './job-status';
import { entryOf, isDecision, stop, type Transition } from './job-transitions';
import type { ConsumerEntry, FailureReason, Job } from './job';

/** Why the sweeper ended an entry: the one stage of a job's life that nothing else would finish. */
export type StallCode =
  /** PENDING, never claimed, and the event source can no longer deliver it (a mapping disabled or deleted). */
  | 'NOT_STARTED'
  /** PENDING after a retryable failure, and the retry never came while it could. */
  | 'RETRY_NOT_DELIVERED'
  /** RUNNING under a lease its run stopped renewing, and no delivery took it over. */
  | 'RUN_ABANDONED'
  /** The run failed for good and handed the failure over, and the error handler never recorded it. */
  | 'FAILURE_NOT_RECORDED';

/** What the sweeper does with an entry whose deadline passed. */
export type SweepVerdict =
  | { kind: 'end'; stall: StallCode; reason: FailureReason; expect: EntryExpectation }
  /** Still alive or still deliverable: look again at `until`. */
  | { kind: 'postpone'; until: number; expect: EntryExpectation }
  /** Finished, but its deadline was left behind: drop it from the index. */
  | { kind: 'clean'; expect: EntryExpectation };

/**
 * The sweeper's judgement of one overdue entry, from the job as it stands. An entry is ended only
 * when no actor can still finish it: the event source can no longer deliver it, its run stopped
 * renewing its lease more than a margin ago, or the error handler's time to record it is over.
 */
export function sweepVerdict(job: Job, entry: ConsumerEntry, now: number, policy: DeadlinePolicy): SweepVerdict {
  if (isTerminal(entry.status)) return { kind: 'clean', expect: { kind: 'status-in', statuses: [entry.status] } };
  if (entry.status === 'PENDING') {
    const deliverableUntil = pickupDeadline(job, policy, entry);
    const expect: EntryExpectation = { kind: 'status-in', statuses: ['PENDING'] };
    if (now <= deliverableUntil) return { kind: 'postpone', until: deliverableUntil, expect };
    const window = `${Math.round(policy.pickupMs / 1000)}s`;
    return entry.attempts === 0
      ? {
          kind: 'end',
          stall: 'NOT_STARTED',
          expect,
          reason: {
            code: 'NOT_STARTED',
            message: `No run of this consumer claimed the job within the event source's ${window} (is its mapping enabled?)`,
          },
        }
      : {
          kind: 'end',
          stall: 'RETRY_NOT_DELIVERED',
          expect,
          reason: {
            code: 'RETRY_NOT_DELIVERED',
            message: `Attempt ${entry.attempts} failed and no retry came within the event source's ${window}${lastErrorOf(entry)}`,
          },
        };
  }
  const claimToken = entry.claimToken ?? '';
  if (entry.leaseExpiresAt !== undefined) {
    const deadAfter = entry.leaseExpiresAt + policy.marginMs;
    if (now <= deadAfter) return { kind: 'postpone', until: deadAfter, expect: { kind: 'held-by', claimToken } };
    return {
      kind: 'end',
      stall: 'RUN_ABANDONED',
      expect: { kind: 'held-by', claimToken, leaseExpiredBefore: now - policy.marginMs },
      reason: {
        code: 'RUN_ABANDONED',
        message: `Attempt ${entry.attempts} stopped renewing its lease and no delivery took the job over${lastErrorOf(entry)}`,
      },
    };
  }
  // RUNNING without a lease: the run handed its failure over to the error handler.
  const recordBy = Date.parse(entry.updatedAt) + policy.handOverMs + policy.marginMs;
  if (now <= recordBy) return { kind: 'postpone', until: recordBy, expect: { kind: 'held-by', claimToken } };
  const handedOver = entry.lastError ?? { code: 'FAILURE_NOT_RECORDED', message: 'the run failed' };
  return {
    kind: 'end',
    stall: 'FAILURE_NOT_RECORDED',
    expect: { kind: 'held-by', claimToken, leaseExpiredBefore: now },
    reason: {
      code: handedOver.code,
      message: `${handedOver.message} (recorded by the sweeper: the error handler had not recorded it)`.slice(0, 1000),
    },
  };
}

function lastErrorOf(entry: ConsumerEntry): string {
  return entry.lastError ? `; last error: ${entry.lastError.code}: ${entry.lastError.message}` : '';
}

/**
 * The sweeper's write on one overdue entry: FAILED with the stall's reason, a later deadline, or
 * the stale deadline dropped, each conditional on the entry being as judged. The verdict it last
 * planned is kept, so the caller knows what was written.
 */
export function sweepTransition(args: {
  consumerId: string;
  now: Date;
  policy: DeadlinePolicy;
  token: string;
}): Transition & { readonly verdict: SweepVerdict | undefined } {
  const { consumerId, now, policy, token } = args;
  let verdict: SweepVerdict | undefined;
  return {
    name: 'sweep',
    get verdict() {
      return verdict;
    },
    plan(job) {
      const entry = entryOf(job, consumerId);
      // Our own ending, whose answer was lost: the verdict planned before it stands.
      if (!isDecision(entry) && entry.status === 'FAILED' && entry.finishedBy === token)
        return { kind: 'already-applied', job: job as Job };
      verdict = undefined;
      if (isDecision(entry)) return entry;
      if (entry.deadline === undefined || entry.deadline > now.getTime())
        return stop('NOT_DUE', 'the entry is not overdue (any more)', entry.status);
      verdict = sweepVerdict(job as Job, entry, now.getTime(), policy);
      const at = now.toISOString();
      const expect = { entries: { [consumerId]: verdict.expect } };
      switch (verdict.kind) {
        case 'clean':
          return { kind: 'write', change: { expect, entries: { [consumerId]: { set: {}, remove: ['deadline'] } }, updatedAt: at } };
        case 'postpone':
          return { kind: 'write', change: { expect, entries: { [consumerId]: { set: { deadline: verdict.until } } }, updatedAt: at } };
        case 'end':
          return {
            kind: 'write',
            change: {
              expect,
              entries: {
                [consumerId]: {
                  set: { status: 'FAILED', error: verdict.reason, finishedAt: at, finishedBy: token, updatedAt: at },
                  remove: ['claimToken', 'leaseExpiresAt', 'dispatchedAt', 'deadline'],
                },
              },
              updatedAt: at,
            },
          };
      }
    },
  };
}
