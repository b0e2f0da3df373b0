import { deriveJobStatus } from './job-status';
import type { FailureReason, Job, JobStatus, JsonObject, JsonValue } from './job';

export interface ConsumerView {
  status: JobStatus;
  attempts: number;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: JsonValue;
  error?: FailureReason;
  lastError?: FailureReason;
}

/** What callers see of a job: no claim tokens or leases, and the derived overall status. */
export interface JobView {
  jobId: string;
  /** Same as jobId; the reference sample's clients read `id`. */
  id: string;
  type: string;
  status: JobStatus;
  input: JsonObject;
  consumers: Record<string, ConsumerView>;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The principal that owns the job (absent on jobs stored before jobs had owners). */
  owner?: string;
  cancelledAt?: string;
  cancelledBy?: string;
}

export function toJobView(job: Job): JobView {
  const consumers = Object.fromEntries(
    Object.entries(job.consumers).map(([consumerId, e]) => {
      const view: ConsumerView = { status: e.status, attempts: e.attempts, updatedAt: e.updatedAt };
      if (e.startedAt) view.startedAt = e.startedAt;
      if (e.finishedAt) view.finishedAt = e.finishedAt;
      if (e.result !== undefined) view.result = e.result;
      if (e.error) view.error = e.error;
      if (e.lastError) view.lastError = e.lastError;
      return [consumerId, view];
    }),
  );
  return {
    jobId: job.id,
    id: job.id,
    type: job.type,
    status: deriveJobStatus(job),
    input: job.input,
    consumers,
    version: job.version,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.owner ? { owner: job.owner.principal } : {}),
    ...(job.cancelledAt ? { cancelledAt: job.cancelledAt } : {}),
    ...(job.cancelledBy ? { cancelledBy: job.cancelledBy } : {}),
  };
}
