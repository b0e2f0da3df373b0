import { CorruptJobError, JOB_STATUSES, type ConsumerEntry, type Job } from '@async-jobs/domain';

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
  if (item['cancelledAt'] !== undefined && typeof item['cancelledAt'] !== 'string') {
    throw new CorruptJobError(`job ${id}: cancelledAt is not a string`);
  }
  // The listing index's sort key is storage, not part of the job.
  const { createdSort: _index, ...job } = item;
  return job as unknown as Job;
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
