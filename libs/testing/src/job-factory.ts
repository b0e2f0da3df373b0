import { randomUUID } from 'node:crypto';
import { newJob, type Caller, type DeadlinePolicy, type Job, type JobOwner, type JsonObject } from '@async-jobs/domain';

/** The deadlines of a deployed environment: an hour's record age, two minutes' margin, ten minutes to record a failure. */
export const deployedDeadlines: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };

/** A caller of the API, by name: an IAM user of the test account. */
export function aCaller(name = 'alice', options: { operator?: boolean } = {}): Caller {
  const arn = `arn:aws:iam::123456789012:user/${name}`;
  return { owner: { principal: arn, userArn: arn, accountId: '123456789012' }, operator: options.operator ?? false };
}

/** A job as jobs-api would create it: alice's unless told, PENDING on every consumer, version 1, due for the sweeper an hour on. */
export function aSubmittedJob(
  options: { type?: string; input?: JsonObject; consumers?: string[]; now?: Date; owner?: JobOwner } = {},
): Job {
  return newJob({
    id: randomUUID(),
    request: { type: options.type ?? 'sleep', input: options.input ?? { seconds: 1 } },
    owner: options.owner ?? aCaller().owner,
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
