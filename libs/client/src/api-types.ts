/** The API's shapes as the client sees them (docs/openapi.json is the contract). */
export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface FailureReason {
  code: string;
  message: string;
}

export interface ConsumerView {
  status: JobStatus;
  attempts: number;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  error?: FailureReason;
  lastError?: FailureReason;
}

export interface JobView {
  jobId: string;
  id: string;
  type: string;
  status: JobStatus;
  input: Record<string, unknown>;
  consumers: Record<string, ConsumerView>;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The principal that submitted the job (for a role session: the role). */
  owner?: string;
  cancelledAt?: string;
  cancelledBy?: string;
}

export interface SubmitAccepted {
  jobId: string;
  id: string;
  type: string;
  status: 'PENDING';
  links: { self: string };
}

export interface JobsPage {
  jobs: JobView[];
  nextToken?: string;
}

export type SubmitJobRequest = { type: string; input: Record<string, unknown> } | { seconds: number };

export interface ListJobsQuery {
  status?: JobStatus;
  type?: string;
  limit?: number;
  nextToken?: string;
  /** Operators: one principal's jobs. */
  owner?: string;
}

export const FINISHED: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
