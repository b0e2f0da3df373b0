import { GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient, type _Record } from '@aws-sdk/client-dynamodb-streams';

/** The pointer an event source mapping's on-failure record carries instead of the records. */
export interface StreamBatchPointer {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
}

const MAX_EMPTY_PAGES = 5;

/**
 * Reads back the records of a failed batch (from its start to its end sequence number), as the
 * error handler must before the stream's 24-hour retention loses them.
 */
export class DynamoDbStreamBatchReader {
  constructor(private readonly client: DynamoDBStreamsClient) {}

  async readBatch(pointer: StreamBatchPointer): Promise<_Record[]> {
    const end = BigInt(pointer.endSequenceNumber);
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: pointer.streamArn,
        ShardId: pointer.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: pointer.startSequenceNumber,
      }),
    );
    const records: _Record[] = [];
    let iterator = ShardIterator;
    let emptyPages = 0;
    while (iterator && emptyPages < MAX_EMPTY_PAGES) {
      const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.max(pointer.batchSize, 1) }));
      const fresh = page.Records ?? [];
      emptyPages = fresh.length === 0 ? emptyPages + 1 : 0;
      for (const record of fresh) {
        if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return records;
        records.push(record);
      }
      if (records.length >= pointer.batchSize) return records;
      iterator = page.NextShardIterator;
    }
    return records;
  }
}
