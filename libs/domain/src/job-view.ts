import type { Static } from '@sinclair/typebox';
import { deriveJobStatus } from './job-status';
import type { Job } from './job';
import type { ResultLinks } from './ports/result-links';
import type { ConsumerViewSchema, JobViewSchema } from './job-view-schema';

export type ConsumerView = Static<typeof ConsumerViewSchema>;

/** What callers see of a job (the API's answer): its shape is `JobViewSchema`'s. */
export type JobView = Static<typeof JobViewSchema>;

export function toJobView(job: Job): JobView {
  const consumers = Object.fromEntries(
    Object.entries(job.consumers).map(([consumerId, e]) => {
      const view: ConsumerView = { status: e.status, attempts: e.attempts, updatedAt: e.updatedAt };
      if (e.startedAt) view.startedAt = e.startedAt;
      if (e.finishedAt) view.finishedAt = e.finishedAt;
      if (e.result !== undefined) view.result = e.result;
      if (e.resultRef) {
        view.resultBytes = e.resultRef.bytes;
        view.resultContentType = e.resultRef.contentType;
      }
      if (e.error) view.error = e.error;
      if (e.lastError) view.lastError = e.lastError;
      if (e.progress) view.progress = e.progress;
      // Claimed for the runner and not yet adopted by one: RUNNING, but waiting in the runner's queue.
      if (e.status === 'RUNNING' && e.dispatchedAt) view.queuedSince = e.dispatchedAt;
      return [consumerId, view];
    }),
  );
  return {
    jobId: job.id,
    id: job.id,
    type: job.type,
    status: deriveJobStatus(job),
    input: job.input,
    consumers,
    version: job.version,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.owner ? { owner: job.owner.principal } : {}),
    ...(job.notify ? { notify: { url: job.notify.url } } : {}),
    ...(job.cancelledAt ? { cancelledAt: job.cancelledAt } : {}),
    ...(job.cancelledBy ? { cancelledBy: job.cancelledBy } : {}),
  };
}

/** The view with a fresh link to each stored result: what GET answers (links are made on every read, and expire). */
export async function toJobViewWithLinks(job: Job, links: ResultLinks): Promise<JobView> {
  const view = toJobView(job);
  await Promise.all(
    Object.entries(job.consumers).map(async ([consumerId, entry]) => {
      if (!entry.resultRef) return;
      const link = await links.linkTo(entry.resultRef);
      view.consumers[consumerId].resultUrl = link.url;
      view.consumers[consumerId].resultUrlExpiresAt = link.expiresAt;
    }),
  );
  return view;
}
