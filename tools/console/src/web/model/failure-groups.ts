import type { JobView } from './api-types';

export interface FailureGroup {
  code: string;
  /** The newest failure's message: messages vary by job (a size, an id) where codes do not. */
  message: string;
  jobIds: string[];
  types: string[];
  latestAt: string;
}

/**
 * FAILED jobs grouped by why they failed: each consumer's error code (a job whose consumers failed for two reasons is
 * in both groups, once each), the largest group first, then the most recent.
 */
export function groupFailures(jobs: readonly JobView[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const job of jobs) {
    if (job.status !== 'FAILED') continue;
    for (const consumer of Object.values(job.consumers)) {
      if (consumer.status !== 'FAILED') continue;
      const code = consumer.error?.code ?? 'UNKNOWN';
      const at = consumer.finishedAt ?? consumer.updatedAt;
      const group = groups.get(code) ?? { code, message: '', jobIds: [], types: [], latestAt: '' };
      if (!group.jobIds.includes(job.jobId)) group.jobIds.push(job.jobId);
      if (!group.types.includes(job.type)) group.types.push(job.type);
      if (at > group.latestAt) {
        group.latestAt = at;
        group.message = consumer.error?.message ?? '';
      }
      groups.set(code, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.jobIds.length - a.jobIds.length || b.latestAt.localeCompare(a.latestAt));
}
