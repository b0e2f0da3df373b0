import * as Streams from '@aws-sdk/client-dynamodb-streams';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { matchesFilterPattern, NEW_JOBS_FILTER_PATTERN } from '@async-jobs/platform';
import { aSubmittedJob, createTestTable, type TestTable } from '@async-jobs/testing';
import { DynamoDbStreamBatchReader } from './dynamodb-stream-batch-reader';
import { jobFromStreamRecord } from './stream-record-job';

describe('DynamoDbStreamBatchReader against DynamoDB Local streams', () => {
  let table: TestTable;
  const streams = new DynamoDBStreamsClient({});
  beforeEach(async () => (table = await createTestTable()));
  afterEach(async () => table.drop());
  afterAll(() => streams.destroy());

  const put = (item: object) => table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item) }));
  const everyRecord = async (): Promise<{ shardId: string; records: _Record[] }> => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }));
    const shardId = StreamDescription?.Shards?.[0]?.ShardId ?? '';
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: table.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    return { shardId, records: Records };
  };

  it('reads back exactly the records between the batch pointers, as jobs', async () => {
    const jobs = Array.from({ length: 5 }, () => aSubmittedJob());
    for (const job of jobs) await put(job);
    const { shardId, records } = await everyRecord();
    const sequence = records.map((r) => r.dynamodb?.SequenceNumber ?? '');

    // The on-failure record of a batch made of the 2nd to 4th records.
    const batch = await new DynamoDbStreamBatchReader({ module: Streams, client: streams }).readBatch({
      streamArn: table.streamArn,
      shardId,
      startSequenceNumber: sequence[1],
      endSequenceNumber: sequence[3],
      batchSize: 3,
    });

    expect(batch.map((record) => jobFromStreamRecord(record))).toEqual(jobs.slice(1, 4));
  });

  it('reads the whole range of a batch whose records the mapping filtered from among others', async () => {
    // The mapping lets only new jobs through, so a batch of 4 jobs spans their idempotency keys and
    // the updates of other jobs in between: the batch size counts the jobs, not the records.
    const jobs = Array.from({ length: 4 }, () => aSubmittedJob());
    for (const [i, job] of jobs.entries()) {
      await put(job);
      await put({ id: `idempotency#key-${i}`, jobId: job.id, requestHash: 'h', createdAt: job.createdAt, expiresAt: job.expiresAt });
      await table.client.send(
        new UpdateItemCommand({
          TableName: table.tableName,
          Key: marshall({ id: job.id }),
          UpdateExpression: 'SET #v = #v + :one',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: marshall({ ':one': 1 }),
        }),
      );
    }
    const { shardId, records } = await everyRecord();
    const delivered = records.filter((r) => matchesFilterPattern(r, NEW_JOBS_FILTER_PATTERN));
    expect(delivered).toHaveLength(4);
    expect(records).toHaveLength(12);

    const batch = await new DynamoDbStreamBatchReader({ module: Streams, client: streams }).readBatch({
      streamArn: table.streamArn,
      shardId,
      startSequenceNumber: delivered[0].dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: delivered[3].dynamodb?.SequenceNumber ?? '',
      batchSize: 4,
    });

    const jobsReadBack = batch.filter((r) => matchesFilterPattern(r, NEW_JOBS_FILTER_PATTERN)).map((r) => jobFromStreamRecord(r).id);
    expect(jobsReadBack).toEqual(jobs.map((j) => j.id));
    expect(batch).toHaveLength(10); // from the first job's INSERT to the last one's, everything in between
  });

  it('fails rather than return part of a batch whose end it cannot reach', async () => {
    const job = aSubmittedJob();
    await put(job);
    const { shardId, records } = await everyRecord();
    const start = records[0].dynamodb?.SequenceNumber ?? '';

    // An end beyond anything in the shard: the records are not (or no longer) all there.
    const reading = new DynamoDbStreamBatchReader({ module: Streams, client: streams }, { maxEmptyPages: 2 }).readBatch({
      streamArn: table.streamArn,
      shardId,
      startSequenceNumber: start,
      endSequenceNumber: (BigInt(start) + 10n ** 20n).toString(),
      batchSize: 2,
    });

    await expect(reading).rejects.toThrow(/could not read the failed batch to its end/);
  });
});
