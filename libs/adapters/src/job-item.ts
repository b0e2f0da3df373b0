import { CorruptJobError, JOB_STATUSES, listPosition, type ConsumerEntry, type Job } from '@async-jobs/domain';
import { JOBS_BY_OWNER_INDEX, JOBS_BY_TYPE_INDEX, ownerTypeKey, sweepShardOf, UNFINISHED_ENTRIES_INDEX } from '@async-jobs/platform';

type Item = Record<string, unknown>;

/**
 * Reads a job from a stored item (or a stream image), checking its shape: a record the code cannot
 * understand must be reported, not run with undefined fields.
 */
export function jobFromItem(item: Item): Job {
  const id = item['id'];
  if (typeof id !== 'string') throw new CorruptJobError('no string id');
  for (const key of ['type', 'createdAt', 'updatedAt'] as const) {
    if (typeof item[key] !== 'string') throw new CorruptJobError(`job ${id}: ${key} is not a string`);
  }
  for (const key of ['version', 'expiresAt'] as const) {
    if (typeof item[key] !== 'number') throw new CorruptJobError(`job ${id}: ${key} is not a number`);
  }
  if (!isObject(item['input'])) throw new CorruptJobError(`job ${id}: input is not a map`);
  const consumers = item['consumers'];
  if (!isObject(consumers)) throw new CorruptJobError(`job ${id}: consumers is not a map`);
  for (const [consumerId, entry] of Object.entries(consumers)) {
    if (!isEntry(entry)) throw new CorruptJobError(`job ${id}: the entry of consumer ${consumerId} is malformed`);
  }
  for (const key of ['cancelledAt', 'cancelledBy'] as const) {
    if (item[key] !== undefined && typeof item[key] !== 'string') throw new CorruptJobError(`job ${id}: ${key} is not a string`);
  }
  const owner = item['owner'];
  if (owner !== undefined && !(isObject(owner) && typeof owner['principal'] === 'string'))
    throw new CorruptJobError(`job ${id}: owner has no principal`);
  // The indexes' keys are storage, not part of the job: each entry's deadline comes back into the entry.
  const job: Record<string, unknown> = {};
  const entries: Record<string, ConsumerEntry> = {};
  for (const [consumerId, entry] of Object.entries(consumers as Record<string, ConsumerEntry>)) {
    const deadline = item[UNFINISHED_ENTRIES_INDEX.sortKey(consumerId)];
    if (deadline !== undefined && typeof deadline !== 'number')
      throw new CorruptJobError(`job ${id}: the deadline of consumer ${consumerId} is not a number`);
    entries[consumerId] = deadline === undefined ? entry : { ...entry, deadline };
  }
  for (const [key, value] of Object.entries(item)) {
    if (INDEX_KEYS.has(key) || key.startsWith(DEADLINE_PREFIX)) continue;
    job[key] = value;
  }
  return { ...job, consumers: entries } as unknown as Job;
}

const DEADLINE_PREFIX = UNFINISHED_ENTRIES_INDEX.sortKey('');
const INDEX_KEYS = new Set<string>([JOBS_BY_TYPE_INDEX.sortKey, JOBS_BY_OWNER_INDEX.partitionKey, UNFINISHED_ENTRIES_INDEX.partitionKey]);

/**
 * A job as stored: its fields, the listing indexes' keys, and each unfinished entry's deadline
 * as a top-level attribute with the job's shard, which is what puts the entry in its consumer's
 * unfinished-entries index (a nested attribute cannot key an index).
 */
export function itemOfJob(job: Job): Record<string, unknown> {
  const consumers: Record<string, ConsumerEntry> = {};
  const deadlines: Record<string, number> = {};
  for (const [consumerId, { deadline, ...entry }] of Object.entries(job.consumers)) {
    consumers[consumerId] = entry;
    if (deadline !== undefined) deadlines[UNFINISHED_ENTRIES_INDEX.sortKey(consumerId)] = deadline;
  }
  return {
    ...job,
    consumers,
    ...deadlines,
    [UNFINISHED_ENTRIES_INDEX.partitionKey]: sweepShardOf(job.id),
    [JOBS_BY_TYPE_INDEX.sortKey]: listPosition(job),
    ...(job.owner ? { [JOBS_BY_OWNER_INDEX.partitionKey]: ownerTypeKey(job.owner.principal, job.type) } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is ConsumerEntry {
  return (
    isObject(value) &&
    (JOB_STATUSES as readonly unknown[]).includes(value['status']) &&
    typeof value['attempts'] === 'number' &&
    typeof value['updatedAt'] === 'string'
  );
}
