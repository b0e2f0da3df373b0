import type { ConsumerEntry, Job } from './job';

/**
 * When an unfinished consumer entry is due to be looked at by the sweeper: an instant after which,
 * if nothing finished it, it may be stalled. The submit sets it to when the event source can no
 * longer deliver the job; a release and a hand-over move it; every write that finishes the entry
 * removes it. A claim leaves it: a live run renews its lease, so the sweeper, looking then, sees it
 * alive and looks again later, while a run that died unseen is ended then.
 */
export interface DeadlinePolicy {
  /** How long after its creation the event source may still deliver a job: its maximum record age. */
  pickupMs: number;
  /** Slack on every deadline, at least a lease: a live run renews well within it. */
  marginMs: number;
  /** How long the error handler may take to record a failure handed to it (its own retries). */
  handOverMs: number;
}

/**
 * The deadline of a PENDING entry: no delivery can claim it once the event source's maximum record age has passed,
 * counted from the record that delivers it: the job's creation, or the entry's retry.
 */
export function pickupDeadline(job: Pick<Job, 'createdAt'>, policy: DeadlinePolicy, entry?: Pick<ConsumerEntry, 'retriedAt'>): number {
  return Date.parse(entry?.retriedAt ?? job.createdAt) + policy.pickupMs + policy.marginMs;
}

/** The deadline of an entry released for a retry: the retry comes while the event source may still deliver. */
export function retryDeadline(
  job: Pick<Job, 'createdAt'>,
  now: Date,
  policy: DeadlinePolicy,
  entry?: Pick<ConsumerEntry, 'retriedAt'>,
): number {
  return Math.max(pickupDeadline(job, policy, entry), now.getTime() + policy.marginMs);
}

/** The deadline of an entry whose failure was handed to the error handler. */
export function handOverDeadline(now: Date, policy: DeadlinePolicy): number {
  return now.getTime() + policy.handOverMs + policy.marginMs;
}
