// Type-only: the definition is data, shared by infra, the local runtime and the tests.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The attribute DynamoDB's TTL reads: epoch seconds after which a job may be deleted. */
export const JOBS_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The listing index: jobs by type, newest first (`createdSort` = createdAt#id). Keys only, so that
 * the many updates of a job's entries never write to the index: one index write per job.
 */
export const JOBS_BY_TYPE_INDEX = { name: 'by-type-created', partitionKey: 'type', sortKey: 'createdSort' } as const;

/**
 * The owners' listing index: one principal's jobs of one type, newest first (`ownerType` =
 * principal#type). Keys only, written once per job. A caller's listing queries it, so that it reads
 * only its own jobs, never others' filtered out. Sparse: jobs stored before jobs had owners have no
 * `ownerType` and are listed to operators only, through `JOBS_BY_TYPE_INDEX`.
 */
export const JOBS_BY_OWNER_INDEX = { name: 'by-owner-type-created', partitionKey: 'ownerType', sortKey: 'createdSort' } as const;

/** The owners' index partition of a principal's jobs of one type (ARNs never hold `#`). */
export function ownerTypeKey(principal: string, type: string): string {
  return `${principal}#${type}`;
}

/**
 * The index of each consumer's unfinished entries by deadline, for the sweeper. Sparse: an entry's
 * deadline attribute exists only while the entry is unfinished (the write that finishes it removes
 * it), so the index holds exactly what may stall. Keys only. The partition key spreads jobs over
 * `shards` values (from the job id), so that no index partition takes every job's write (a
 * partition takes about 1,000 writes a second); the sweeper queries each shard for deadlines past.
 */
export const UNFINISHED_ENTRIES_INDEX = {
  name: (consumerId: string) => `unfinished-${consumerId}`,
  partitionKey: 'sweepShard',
  sortKey: (consumerId: string) => `deadline_${consumerId}`,
  shards: 4,
} as const;

/** The shard of a job in the unfinished-entries indexes: a stable hash of its id. */
export function sweepShardOf(jobId: string): string {
  let hash = 2_166_136_261;
  for (let i = 0; i < jobId.length; i++) hash = Math.imul(hash ^ jobId.charCodeAt(i), 16_777_619) >>> 0;
  return String(hash % UNFINISHED_ENTRIES_INDEX.shards);
}

/**
 * The jobs table's shape, as the local runtime and the tests create it; infra declares the same
 * key, billing, indexes and stream view. The stream carries new images: an INSERT record is the
 * whole job, so a consumer's happy path needs no read.
 */
export function jobsTableDefinition(tableName: string, consumers: readonly string[]): CreateTableCommandInput {
  const keysOnly = (name: string, partitionKey: string, sortKey: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'KEYS_ONLY' as const },
  });
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: JOBS_BY_TYPE_INDEX.partitionKey, AttributeType: 'S' },
      { AttributeName: JOBS_BY_TYPE_INDEX.sortKey, AttributeType: 'S' },
      { AttributeName: JOBS_BY_OWNER_INDEX.partitionKey, AttributeType: 'S' },
      // DynamoDB refuses an attribute definition that no key uses.
      ...(consumers.length ? [{ AttributeName: UNFINISHED_ENTRIES_INDEX.partitionKey, AttributeType: 'S' as const }] : []),
      ...consumers.map((consumerId) => ({ AttributeName: UNFINISHED_ENTRIES_INDEX.sortKey(consumerId), AttributeType: 'N' as const })),
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      keysOnly(JOBS_BY_TYPE_INDEX.name, JOBS_BY_TYPE_INDEX.partitionKey, JOBS_BY_TYPE_INDEX.sortKey),
      keysOnly(JOBS_BY_OWNER_INDEX.name, JOBS_BY_OWNER_INDEX.partitionKey, JOBS_BY_OWNER_INDEX.sortKey),
      ...consumers.map((consumerId) =>
        keysOnly(
          UNFINISHED_ENTRIES_INDEX.name(consumerId),
          UNFINISHED_ENTRIES_INDEX.partitionKey,
          UNFINISHED_ENTRIES_INDEX.sortKey(consumerId),
        ),
      ),
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

/**
 * What each consumer's event source mapping lets through: new items that are jobs (they have a
 * `type`). Other items of the table — idempotency keys — never reach a processor. The local
 * runtime applies the same pattern.
 */
export const NEW_JOBS_FILTER_PATTERN = { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: [{ exists: true }] } } } };

/**
 * And a caller's retry of a FAILED job: the one MODIFY whose new image carries the retry's mark. The retry's write sets
 * `retryRequestedAt` and the first claim after it removes it, so claims, renewals and completions never pass.
 */
export const RETRIED_JOBS_FILTER_PATTERN = {
  eventName: ['MODIFY'],
  dynamodb: { NewImage: { retryRequestedAt: { S: [{ exists: true }] } } },
};

/** The mapping's filter criteria: a record passes when it matches any of them (Lambda ORs a mapping's filters). */
export const JOB_RECORD_FILTER_PATTERNS = [NEW_JOBS_FILTER_PATTERN, RETRIED_JOBS_FILTER_PATTERN] as const;

/**
 * The announcing consumer's mapping lets through, too, each write that ended entries: its new image carries `announce`
 * (set by such a write, removed by every other), from which the job events are made.
 */
export const ANNOUNCED_JOBS_FILTER_PATTERN = {
  eventName: ['MODIFY'],
  dynamodb: { NewImage: { announce: { M: { at: { S: [{ exists: true }] } } } } },
};

/** A consumer's mapping's filter criteria: the job records, and the announcements for the announcing consumer. */
export function streamFilterPatterns(announces: boolean) {
  return announces ? [...JOB_RECORD_FILTER_PATTERNS, ANNOUNCED_JOBS_FILTER_PATTERN] : [...JOB_RECORD_FILTER_PATTERNS];
}
