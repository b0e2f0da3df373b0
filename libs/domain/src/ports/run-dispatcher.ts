import type { Job } from '../job';

/** A claimed job's run, handed to the runner: what the stream processor (or a runner retrying) sends. */
export interface RunOrder {
  kind: 'JobRunDispatched';
  jobId: string;
  consumerId: string;
  /** The dispatching claim: the runner adopts exactly this one. */
  claimToken: string;
  /** The job as claimed, so that the runner starts without a read. */
  job: Job;
  dispatchedAt: string;
}

/** Starts a run off the stream: the runner function, invoked asynchronously (its queue holds what concurrency does not yet allow). */
export interface RunDispatcher {
  /** Resolves once the order is accepted (queued), not when the run ends. */
  dispatch(order: RunOrder): Promise<void>;
}

/** Whether a message is a run order (the runner's event, and the payload of its on-failure envelope). */
export function isRunOrder(value: unknown): value is RunOrder {
  if (typeof value !== 'object' || value === null) return false;
  const order = value as Partial<RunOrder>;
  return (
    order.kind === 'JobRunDispatched' &&
    typeof order.jobId === 'string' &&
    typeof order.consumerId === 'string' &&
    typeof order.claimToken === 'string' &&
    typeof order.job === 'object' &&
    order.job !== null &&
    order.job.id === order.jobId
  );
}
