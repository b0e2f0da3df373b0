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
 * The jobs table's shape, as the local runtime and the tests create it; infra declares the same
 * key, billing and stream view. The stream carries new images: an INSERT record is the whole job,
 * so a consumer's happy path needs no read.
 */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: JOBS_BY_TYPE_INDEX.partitionKey, AttributeType: 'S' },
      { AttributeName: JOBS_BY_TYPE_INDEX.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: JOBS_BY_TYPE_INDEX.name,
        KeySchema: [
          { AttributeName: JOBS_BY_TYPE_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: JOBS_BY_TYPE_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
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
