import type { Announcement, ConsumerEntry, Job, JobStatus } from './job';
import { isTerminal } from './job-status';

/**
 * A single conditional write to a job, described without any storage vocabulary: what the writer
 * expects of the item (the condition) and what it changes. The repository turns it into one
 * conditional update and always increments `version`.
 */
export interface JobChange {
  expect: JobExpectation;
  entries: Record<string, EntryPatch>;
  cancelledAt?: string;
  cancelledBy?: string;
  /** Marks the write as a retry (the stream's filter lets it through); `null` removes the mark. */
  retryRequestedAt?: string | null;
  updatedAt: string;
}

export interface JobExpectation {
  /** The version the change was derived from, for a change that replaces the whole of what it read. */
  version?: number;
  /** The job has not been cancelled. */
  notCancelled?: boolean;
  /** Per consumer: what the writer expects of the entry it changes. */
  entries: Record<string, EntryExpectation>;
}

export type EntryExpectation =
  | { kind: 'status-in'; statuses: readonly JobStatus[] }
  /** PENDING, or RUNNING under a lease that expired before `now` (epoch ms). */
  | { kind: 'claimable'; now: number }
  /**
   * RUNNING under exactly this claim. With `leaseExpiredBefore` (epoch ms), only once no live run
   * renews it: its lease ran out before then, or was handed over (removed).
   */
  | { kind: 'held-by'; claimToken: string; leaseExpiredBefore?: number }
  /** No live run holds the entry: PENDING, or RUNNING whose lease ran out before `now` or was handed over. */
  | { kind: 'not-live'; now: number }
  /** RUNNING under exactly this claim, dispatched to the runner and not yet adopted by one. */
  | { kind: 'dispatched'; claimToken: string };

export type RemovableEntryField =
  | 'claimToken'
  | 'leaseExpiresAt'
  | 'dispatchedAt'
  | 'result'
  | 'resultRef'
  | 'error'
  | 'lastError'
  | 'deadline'
  | 'finishedAt'
  | 'finishedBy'
  | 'progress';

export interface EntryPatch {
  set: Partial<Omit<ConsumerEntry, 'attempts'>>;
  remove?: readonly RemovableEntryField[];
  /** Adds one to `attempts` atomically, so a claim needs no read of the count. */
  incrementAttempts?: boolean;
  /** Takes one from `attempts`: a claim whose run never started gives its attempt back. */
  decrementAttempts?: boolean;
}

/** Whether `job` meets what the change expects; the same rule the store's condition enforces. */
export function meetsExpectation(job: Job | undefined, expect: JobExpectation): job is Job {
  if (!job) return false;
  if (expect.version !== undefined && job.version !== expect.version) return false;
  if (expect.notCancelled && job.cancelledAt !== undefined) return false;
  return Object.entries(expect.entries).every(([consumerId, expectation]) => {
    const entry = job.consumers[consumerId];
    return entry !== undefined && entryMeets(entry, expectation);
  });
}

function entryMeets(entry: ConsumerEntry, expectation: EntryExpectation): boolean {
  switch (expectation.kind) {
    case 'status-in':
      return expectation.statuses.includes(entry.status);
    case 'claimable':
      return (
        entry.status === 'PENDING' ||
        (entry.status === 'RUNNING' && entry.leaseExpiresAt !== undefined && entry.leaseExpiresAt < expectation.now)
      );
    case 'held-by':
      return (
        entry.status === 'RUNNING' &&
        entry.claimToken === expectation.claimToken &&
        (expectation.leaseExpiredBefore === undefined || leaseLapsedBefore(entry, expectation.leaseExpiredBefore))
      );
    case 'not-live':
      return entry.status === 'PENDING' || (entry.status === 'RUNNING' && leaseLapsedBefore(entry, expectation.now));
    case 'dispatched':
      return entry.status === 'RUNNING' && entry.claimToken === expectation.claimToken && entry.dispatchedAt !== undefined;
  }
}

/** No run renews the entry's lease any more: it ran out before `instant`, or it was handed over. */
function leaseLapsedBefore(entry: ConsumerEntry, instant: number): boolean {
  return entry.leaseExpiresAt === undefined || entry.leaseExpiresAt < instant;
}

/**
 * What a change announces: the entries it moves to a terminal status. The store sets it on the item with the write
 * (and removes it with any write that ends nothing), so no transition has to say it.
 */
export function announcementOf(change: JobChange): Announcement | undefined {
  const consumers = Object.entries(change.entries)
    .filter(([, patch]) => patch.set.status !== undefined && isTerminal(patch.set.status))
    .map(([consumerId]) => consumerId)
    .sort();
  return consumers.length ? { at: change.updatedAt, consumers } : undefined;
}

/** The job as it is after `change`; what the store computes, for tests and in-memory stores. */
export function applyChange(job: Job, change: JobChange): Job {
  const consumers = { ...job.consumers };
  for (const [consumerId, patch] of Object.entries(change.entries)) {
    const entry: ConsumerEntry = { ...consumers[consumerId], ...definedOnly(patch.set) } as ConsumerEntry;
    for (const field of patch.remove ?? []) delete entry[field];
    if (patch.incrementAttempts) entry.attempts += 1;
    if (patch.decrementAttempts) entry.attempts -= 1;
    consumers[consumerId] = entry;
  }
  const next: Job = {
    ...job,
    consumers,
    version: job.version + 1,
    updatedAt: change.updatedAt,
    ...(change.cancelledAt ? { cancelledAt: change.cancelledAt } : {}),
    ...(change.cancelledBy ? { cancelledBy: change.cancelledBy } : {}),
    ...(change.retryRequestedAt ? { retryRequestedAt: change.retryRequestedAt } : {}),
  };
  if (change.retryRequestedAt === null) delete next.retryRequestedAt;
  const announce = announcementOf(change);
  if (announce) next.announce = announce;
  else delete next.announce;
  return next;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
