// Type-only: the definition is data, shared by infra, the local runtime and the tests.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The attribute DynamoDB's TTL reads: epoch seconds after which a job may be deleted. */
export const JOBS_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The jobs table's shape, as the local runtime and the tests create it; infra declares the same
 * key, billing and stream view. The stream carries new images: an INSERT record is the whole job,
 * so a consumer's happy path needs no read.
 */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}
