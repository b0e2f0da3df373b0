import { get } from '../api';
import type { JobsPage, JobView } from '../model/api-types';

/**
 * Jobs newest first, page after page, until one older than `since` (the list is in creation order) or `cap` jobs:
 * what the failures and overview pages count. `capped` says the count stopped short.
 */
export async function jobsSince(filter: { status?: string }, since: Date, cap: number): Promise<{ jobs: JobView[]; capped: boolean }> {
  const jobs: JobView[] = [];
  let token: string | undefined;
  const from = since.toISOString();
  do {
    const q = new URLSearchParams({ limit: '100' });
    if (filter.status) q.set('status', filter.status);
    if (token) q.set('nextToken', token);
    const page = await get<JobsPage>(`jobs?${q}`);
    for (const job of page.jobs) {
      if (job.createdAt < from) return { jobs, capped: false };
      jobs.push(job);
      if (jobs.length >= cap) return { jobs, capped: true };
    }
    token = page.nextToken;
  } while (token);
  return { jobs, capped: false };
}
