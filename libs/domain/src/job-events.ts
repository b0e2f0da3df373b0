import type { Job, JobStatus } from './job';
import { deriveJobStatus } from './job-status';
import { toJobView, type ConsumerView, type JobView } from './job-view';
import type { StoredResult } from './ports/result-store';

/** The `source` of every job event on the job-events bus. */
export const JOB_EVENTS_SOURCE = 'async-jobs';

/** The `detail-type`s: a consumer's entry ended, and the whole job ended (its derived status became terminal). */
export const JOB_EVENT_TYPES = { consumerFinished: 'Job Consumer Finished', jobFinished: 'Job Finished' } as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[keyof typeof JOB_EVENT_TYPES];

/** A consumer as an event shows it: no inline result body (GET the job for it); a stored result by its reference. */
export type EventConsumerView = Omit<ConsumerView, 'result' | 'resultUrl' | 'resultUrlExpiresAt'> & { resultRef?: StoredResult };

export interface JobEventDetail {
  /**
   * Stable for one transition, whoever publishes it and however often: delivery is at least once, so subscribers
   * drop an id they have seen. `<jobId>/<consumerId>/<status>/<at>`, or `<jobId>/job/<status>/<at>` for the job.
   */
  eventId: string;
  jobId: string;
  /** The consumer whose entry ended; absent on a Job Finished event. */
  consumerId?: string;
  /** The consumer's status (Job Consumer Finished) or the job's (Job Finished): SUCCEEDED, FAILED or CANCELLED. */
  status: JobStatus;
  /** When the write that ended it happened. */
  occurredAt: string;
  job: Omit<JobView, 'consumers'> & { consumers: Record<string, EventConsumerView> };
}

export interface JobEvent {
  detailType: JobEventType;
  detail: JobEventDetail;
}

/**
 * The events a job's version announces (its `announce`: the entries the write that made it ended): one per entry
 * it ended and, when that left the whole job finished, one for the job. None for a version that ended nothing.
 */
export function jobEventsOf(job: Job): JobEvent[] {
  const announce = job.announce;
  if (!announce) return [];
  const view = eventView(job);
  const events: JobEvent[] = announce.consumers
    .filter((consumerId) => job.consumers[consumerId] !== undefined)
    .map((consumerId) => {
      const status = job.consumers[consumerId].status;
      return {
        detailType: JOB_EVENT_TYPES.consumerFinished,
        detail: {
          eventId: `${job.id}/${consumerId}/${status}/${announce.at}`,
          jobId: job.id,
          consumerId,
          status,
          occurredAt: announce.at,
          job: view,
        },
      };
    });
  const status = deriveJobStatus(job);
  if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED')
    events.push({
      detailType: JOB_EVENT_TYPES.jobFinished,
      detail: { eventId: `${job.id}/job/${status}/${announce.at}`, jobId: job.id, status, occurredAt: announce.at, job: view },
    });
  return events;
}

function eventView(job: Job): JobEventDetail['job'] {
  const view = toJobView(job);
  const consumers = Object.fromEntries(
    Object.entries(view.consumers).map(([consumerId, consumer]) => {
      const rest: EventConsumerView = { ...consumer };
      delete (rest as ConsumerView).result;
      const stored = job.consumers[consumerId].resultRef;
      return [consumerId, stored ? { ...rest, resultRef: stored } : rest];
    }),
  );
  return { ...view, consumers };
}
