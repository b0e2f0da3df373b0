import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { aSubmittedJob, createTestTable, type TestTable } from '@async-jobs/testing';
import { DynamoDbStreamBatchReader } from './dynamodb-stream-batch-reader';
import { jobFromStreamRecord } from './stream-record-job';

describe('DynamoDbStreamBatchReader against DynamoDB Local streams', () => {
  let table: TestTable;
  const streams = new DynamoDBStreamsClient({});
  beforeAll(async () => (table = await createTestTable()));
  afterAll(async () => {
    streams.destroy();
    await table.drop();
  });

  it('reads back exactly the records between the batch pointers, as jobs', async () => {
    const jobs = Array.from({ length: 5 }, () => aSubmittedJob());
    for (const job of jobs) await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(job) }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }));
    const shardId = StreamDescription?.Shards?.[0]?.ShardId ?? '';
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: table.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    const sequence = Records.map((r) => r.dynamodb?.SequenceNumber ?? '');

    // The on-failure record of a batch made of the 2nd to 4th records.
    const batch = await new DynamoDbStreamBatchReader(streams).readBatch({
      streamArn: table.streamArn,
      shardId,
      startSequenceNumber: sequence[1],
      endSequenceNumber: sequence[3],
      batchSize: 3,
    });

    expect(batch.map((record) => jobFromStreamRecord(record))).toEqual(jobs.slice(1, 4));
  });
});
