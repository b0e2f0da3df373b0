// Generated from the job view schema in libs/domain/src/job-view-schema.ts by libs/client/scripts/write-api-types.ts.
// Do not edit: change the schema, then regenerate with `npx nx run client:api-types` (a test fails until then).

export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Why a run failed or was stopped: a stable code and a sentence for people. */
export interface FailureReason {
  code: string;
  message: string;
}

/** One consumer's run of the job: every consumer runs every job, independently. */
export interface ConsumerView {
  status: JobStatus;
  attempts: number;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The result, inline when its JSON is at most 32 KiB; a larger one is at resultUrl. */
  result?: unknown;
  /** The size of a stored result (one not inline), in bytes. */
  resultBytes?: number;
  /** The media type of a stored result: application/json. */
  resultContentType?: string;
  /** Where a stored result can be fetched, without credentials, until resultUrlExpiresAt (a presigned S3 GET; past it S3 answers 403: GET the job again for a fresh link). */
  resultUrl?: string;
  resultUrlExpiresAt?: string;
  error?: FailureReason;
  lastError?: FailureReason;
  /** While a RUNNING consumer's run waits for the runner (a job type that runs off the stream, beyond the runner's concurrency): since when. */
  queuedSince?: string;
  /** How far the run said it was, as of its lease's last renewal (a third of the lease: 20 s in AWS, 2 s locally). */
  progress?: {
    percent: number;
    message?: string;
    at: string;
  };
}

/** What callers see of a job: no claim tokens or leases, and the overall status derived from its consumers. */
export interface JobView {
  jobId: string;
  /** Same as jobId, for the reference sample's clients. */
  id: string;
  type: string;
  status: JobStatus;
  input: Record<string, unknown>;
  consumers: Record<string, ConsumerView>;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The IAM principal that submitted the job (for a role session: the role) */
  owner?: string;
  /** Where the finished job's view is POSTed, signed (the submit's notify). */
  notify?: {
    url: string;
  };
  cancelledAt?: string;
  /** The principal that cancelled the job: its owner or an operator */
  cancelledBy?: string;
}
