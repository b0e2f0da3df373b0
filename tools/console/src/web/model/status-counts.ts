import { STATUSES, type JobView } from './api-types';

export type Counts = Record<(typeof STATUSES)[number], number>;

export interface TypeCounts {
  type: string;
  counts: Counts;
  total: number;
}

const zero = (): Counts => ({ PENDING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 });

/** Jobs created at or after `since`, counted by status per type; types in name order. */
export function countByTypeAndStatus(jobs: readonly JobView[], since: Date): TypeCounts[] {
  const byType = new Map<string, Counts>();
  const from = since.toISOString();
  for (const job of jobs) {
    if (job.createdAt < from) continue;
    const counts = byType.get(job.type) ?? zero();
    counts[job.status] += 1;
    byType.set(job.type, counts);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, counts]) => ({ type, counts, total: STATUSES.reduce((sum, s) => sum + counts[s], 0) }));
}
