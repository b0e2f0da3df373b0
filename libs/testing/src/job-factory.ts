import { randomUUID } from 'node:crypto';
import { newJob, type DeadlinePolicy, type Job, type JsonObject } from '@async-jobs/domain';

/** The deadlines of a deployed environment: an hour's record age, two minutes' margin, ten minutes to record a failure. */
export const deployedDeadlines: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };

/** A job as jobs-api would create it: PENDING on every consumer, version 1, due for the sweeper an hour on. */
export function aSubmittedJob(options: { type?: string; input?: JsonObject; consumers?: string[]; now?: Date } = {}): Job {
  return newJob({
    id: randomUUID(),
    request: { type: options.type ?? 'sleep', input: options.input ?? { seconds: 1 } },
    consumers: options.consumers ?? ['a', 'b'],
    now: options.now ?? new Date(),
    retentionDays: 7,
    deadlines: deployedDeadlines,
  });
}

/** A clock whose sleeps return at once while counting them: job runs without the wait. */
export function anInstantClock(): { now(): Date; sleep(ms: number): Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { now: () => new Date(), sleep: async (ms: number) => void slept.push(ms), slept };
}
