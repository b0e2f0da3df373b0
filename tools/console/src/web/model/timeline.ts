import type { JobView } from './api-types';

export type TimelineKind = 'created' | 'queued' | 'claimed' | 'progress' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

export interface TimelineEvent {
  at: string;
  kind: TimelineKind;
  label: string;
  detail?: string;
}

/**
 * One consumer's story, oldest first, from what the job view keeps: its creation, the latest claim (with how many
 * attempts were made), the runner's queue, the last progress report, the last error of a run being retried, and how
 * it ended. The view keeps the latest of each, not every attempt's; `attempts` counts them all.
 */
export function consumerTimeline(job: JobView, consumerId: string): TimelineEvent[] {
  const c = job.consumers[consumerId];
  if (!c) return [];
  const events: TimelineEvent[] = [{ at: job.createdAt, kind: 'created', label: 'Created' }];
  if (c.queuedSince) events.push({ at: c.queuedSince, kind: 'queued', label: 'Queued for the runner' });
  if (c.startedAt) events.push({ at: c.startedAt, kind: 'claimed', label: c.attempts > 1 ? `Claimed, attempt ${c.attempts}` : 'Claimed' });
  if (c.progress)
    events.push({
      at: c.progress.at,
      kind: 'progress',
      label: `Progress ${Math.round(c.progress.percent)}%`,
      ...(c.progress.message ? { detail: c.progress.message } : {}),
    });
  if (c.lastError && (c.status === 'PENDING' || c.status === 'RUNNING'))
    events.push({ at: c.updatedAt, kind: 'retrying', label: `Attempt failed: ${c.lastError.code}, retrying`, detail: c.lastError.message });
  const end = c.finishedAt ?? c.updatedAt;
  if (c.status === 'SUCCEEDED') events.push({ at: end, kind: 'succeeded', label: 'Succeeded' });
  if (c.status === 'FAILED')
    events.push({
      at: end,
      kind: 'failed',
      label: `Failed: ${c.error?.code ?? 'UNKNOWN'}`,
      ...(c.error?.message ? { detail: c.error.message } : {}),
    });
  if (c.status === 'CANCELLED')
    events.push({
      at: job.cancelledAt ?? end,
      kind: 'cancelled',
      label: 'Cancelled',
      ...(job.cancelledBy ? { detail: `by ${job.cancelledBy}` } : {}),
    });
  // Stable: equal times keep the order above, which is the order things happen in.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
