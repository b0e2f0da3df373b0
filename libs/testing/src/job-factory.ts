import { randomUUID } from 'node:crypto';
import { newJob, type Job, type JsonObject } from '@async-jobs/domain';

/** A job as jobs-api would create it: PENDING on every consumer, version 1. */
export function aSubmittedJob(options: { type?: string; input?: JsonObject; consumers?: string[]; now?: Date } = {}): Job {
  return newJob({
    id: randomUUID(),
    request: { type: options.type ?? 'sleep', input: options.input ?? { seconds: 1 } },
    consumers: options.consumers ?? ['a', 'b'],
    now: options.now ?? new Date(),
    retentionDays: 7,
  });
}

/** A clock whose sleeps return at once while counting them: job runs without the wait. */
export function anInstantClock(): { now(): Date; sleep(ms: number): Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { now: () => new Date(), sleep: async (ms: number) => void slept.push(ms), slept };
}
