import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { jobsTableDefinition } from '@async-jobs/platform';

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  streamArn: string;
  /** Every item in the table: for asserting what a request wrote, or that it wrote nothing. */
  items(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** A jobs table of its own (for consumers a and b) for one test file, in the DynamoDB Local that global setup started. */
export async function createTestTable(consumers: readonly string[] = ['a', 'b']): Promise<TestTable> {
  const client = new DynamoDBClient({});
  const tableName = `test-jobs-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand(jobsTableDefinition(tableName, consumers)));
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return {
    client,
    tableName,
    streamArn: Table?.LatestStreamArn ?? '',
    async items() {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      return Items.map((item) => unmarshall(item));
    },
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
