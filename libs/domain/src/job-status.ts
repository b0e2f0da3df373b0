import type { ConsumerEntry, Job, JobStatus } from './job';

const TERMINAL: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** The state machine of one consumer entry: which status may follow which. */
const NEXT: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  PENDING: ['RUNNING', 'FAILED', 'CANCELLED'],
  // RUNNING → PENDING releases a claim after a retryable failure; RUNNING → RUNNING is a lease takeover.
  RUNNING: ['RUNNING', 'PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * The job's overall status, derived from its consumers so that consumers never write a shared field:
 * CANCELLED once cancelled; SUCCEEDED when all succeeded; FAILED when all finished and any failed;
 * PENDING while none has started; RUNNING otherwise.
 */
export function deriveJobStatus(job: Pick<Job, 'consumers' | 'cancelledAt'>): JobStatus {
  if (job.cancelledAt) return 'CANCELLED';
  const entries: ConsumerEntry[] = Object.values(job.consumers);
  if (entries.length === 0) return 'PENDING';
  if (entries.every((e) => e.status === 'SUCCEEDED')) return 'SUCCEEDED';
  if (entries.every((e) => isTerminal(e.status))) {
    return entries.some((e) => e.status === 'FAILED') ? 'FAILED' : 'CANCELLED';
  }
  // A released claim waiting for its retry counts as started: the job is visibly retrying, not new.
  if (entries.every((e) => e.status === 'PENDING' && e.attempts === 0)) return 'PENDING';
  return 'RUNNING';
}
