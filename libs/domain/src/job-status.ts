import type { ConsumerEntry, Job, JobStatus } from './job';

const TERMINAL: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Where one consumer's entry stands. The stored status has five values; the phase names a sixth state the status
 * alone hides: HANDED_OVER, a run that failed for good and handed its failure to the error handler — stored as
 * RUNNING under the run's claim, without a lease, so that no claim takes it while the handler records the failure.
 */
export type EntryPhase = JobStatus | 'HANDED_OVER';

export function phaseOf(entry: Pick<ConsumerEntry, 'status' | 'claimToken' | 'leaseExpiresAt'>): EntryPhase {
  return entry.status === 'RUNNING' && entry.claimToken !== undefined && entry.leaseExpiresAt === undefined ? 'HANDED_OVER' : entry.status;
}

/**
 * The state machine of one consumer entry: which phase may follow which. A write within a phase is always allowed
 * (a lease renewal, a takeover, the sweeper dropping a finished entry's deadline).
 */
const NEXT: Readonly<Record<EntryPhase, readonly EntryPhase[]>> = {
  // FAILED straight from PENDING: the sweeper ends an entry never started, the error handler one whose deliveries ran out.
  PENDING: ['RUNNING', 'FAILED', 'CANCELLED'],
  // RUNNING → PENDING releases a claim after a retryable failure.
  RUNNING: ['PENDING', 'HANDED_OVER', 'SUCCEEDED', 'FAILED', 'CANCELLED'],
  // Only the failure it handed over ends it (recorded by the error handler, or by the sweeper when the handler never did), or a cancel.
  HANDED_OVER: ['FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  // Only a caller's retry moves a FAILED entry, back to PENDING (retryTransition); nothing else ever does.
  FAILED: ['PENDING'],
  CANCELLED: [],
};

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

export function canTransition(from: EntryPhase, to: EntryPhase): boolean {
  return from === to || NEXT[from].includes(to);
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
