import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { jobsTableDefinition, JOBS_TABLE_TTL_ATTRIBUTE } from '@async-jobs/platform';

/**
 * The jobs table: the key, billing and stream view of `jobsTableDefinition` (the one the local
 * runtime and the tests create), plus what only AWS has: TTL, point-in-time recovery, encryption
 * with our key and, where set, deletion protection.
 */
export class JobsTable extends Construct {
  readonly table: DynamodbTable;

  constructor(
    scope: Construct,
    id: string,
    props: { name: string; consumers: readonly string[]; key: KmsKey; deletionProtection: boolean },
  ) {
    super(scope, id);
    const definition = jobsTableDefinition(props.name, props.consumers);
    const hashKey = definition.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName as string;
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      billingMode: definition.BillingMode,
      hashKey,
      attribute: (definition.AttributeDefinitions ?? []).map((a) => ({ name: a.AttributeName as string, type: a.AttributeType as string })),
      globalSecondaryIndex: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName as string,
        hashKey: index.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName as string,
        rangeKey: index.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName,
        projectionType: index.Projection?.ProjectionType as string,
      })),
      streamEnabled: true,
      streamViewType: definition.StreamSpecification?.StreamViewType,
      ttl: { enabled: true, attributeName: JOBS_TABLE_TTL_ATTRIBUTE },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.key.arn },
      deletionProtectionEnabled: props.deletionProtection,
    });
  }
}
