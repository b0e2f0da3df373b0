import { newJob, type ConsumerEntry, type DeadlinePolicy, type Job, type JobOwner, type JsonObject } from '../src';
import { alice } from './callers';

/** The deadlines of a deployed environment: an hour's record age, two minutes' margin, ten minutes to record a failure. */
export const deployedDeadlines: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };

let sequence = 0;

/** A job as stored, alice's, PENDING on consumers a and b unless overridden: for tests that build a state directly. */
export function aJob(overrides: Partial<Job> = {}): Job {
  sequence += 1;
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type: 'sleep',
    input: { seconds: 1 },
    consumers: { a: anEntry(), b: anEntry() },
    version: 1,
    createdAt: at,
    updatedAt: at,
    expiresAt: 1_800_000_000,
    owner: alice.owner,
    ...overrides,
  };
}

export function anEntry(overrides: Partial<ConsumerEntry> = {}): ConsumerEntry {
  return { status: 'PENDING', attempts: 0, updatedAt: '2026-01-01T00:00:00.000Z', ...overrides };
}

/** A job as the API creates it (the domain's newJob): alice's unless told, PENDING on every consumer, a fresh id. */
export function aSubmittedJob(
  options: { type?: string; input?: JsonObject; consumers?: string[]; now?: Date; owner?: JobOwner } = {},
): Job {
  return newJob({
    id: crypto.randomUUID(),
    request: { type: options.type ?? 'sleep', input: options.input ?? { seconds: 1 } },
    owner: options.owner ?? alice.owner,
    consumers: options.consumers ?? ['a', 'b'],
    now: options.now ?? new Date(),
    retentionDays: 7,
    deadlines: deployedDeadlines,
  });
}
