// The API's shapes as the client sees them (docs/openapi.json is the contract). The job view's are
// generated from the domain's schema into job-view.generated.ts; its header says how to regenerate.
import type { JobStatus, JobView } from './job-view.generated';

export type { ConsumerView, FailureReason, JobStatus, JobView } from './job-view.generated';

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

/** `notify`: an https URL on the environment's allow-list; the finished job's view is POSTed there, signed (the typed form only). */
export type SubmitJobRequest = { type: string; input: Record<string, unknown>; notify?: { url: string } } | { seconds: number };

export interface ListJobsQuery {
  status?: JobStatus;
  type?: string;
  limit?: number;
  nextToken?: string;
  /** Operators: one principal's jobs. */
  owner?: string;
}

export const FINISHED: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
