// The API's shapes, from the client library: types only, so nothing of it (or of Node) reaches the page's bundle.
export type { ConsumerView, FailureReason, JobStatus, JobView, JobsPage, SubmitAccepted } from '@async-jobs/client';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export const STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export const FINISHED_STATUSES: readonly string[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
