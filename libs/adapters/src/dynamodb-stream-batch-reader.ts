import type { DynamoDBStreamsClient, _Record } from '@aws-sdk/client-dynamodb-streams';
import type * as Streams from '@aws-sdk/client-dynamodb-streams';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/** The pointer an event source mapping's on-failure record carries instead of the records. */
export interface StreamBatchPointer {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  /** How many records the mapping delivered: the records that passed its filter, not the records in the range. */
  batchSize: number;
}

/** Raised when the records of a failed batch cannot all be read: returning part of them would lose jobs. */
export class StreamBatchUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamBatchUnreadableError';
  }
}

/**
 * Reads back the records of a failed batch, every record from its start to its end sequence
 * number, as the error handler must before the stream's 24-hour retention loses them. The range
 * holds more records than the batch did: the mapping's filter kept some from the function
 * (idempotency keys, updates of other jobs), and the caller filters them again.
 */
export class DynamoDbStreamBatchReader {
  private readonly maxEmptyPages: number;
  private readonly streams: () => Promise<SdkClient<typeof Streams, DynamoDBStreamsClient>>;

  /** `streams`: the client and its module, or their loader (read back only for an on-failure record: loaded at the first). */
  constructor(streams: ClientSource<SdkClient<typeof Streams, DynamoDBStreamsClient>>, options: { maxEmptyPages?: number } = {}) {
    this.streams = clientFrom(streams);
    this.maxEmptyPages = options.maxEmptyPages ?? 10;
  }

  /** @throws StreamBatchUnreadableError when the end of the range cannot be reached. */
  async readBatch(pointer: StreamBatchPointer): Promise<_Record[]> {
    const end = BigInt(pointer.endSequenceNumber);
    const {
      client,
      module: { GetRecordsCommand, GetShardIteratorCommand },
    } = await this.streams();
    const { ShardIterator } = await client.send(
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
    while (iterator && emptyPages < this.maxEmptyPages) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const fresh = page.Records ?? [];
      emptyPages = fresh.length === 0 ? emptyPages + 1 : 0;
      for (const record of fresh) {
        const sequence = BigInt(record.dynamodb?.SequenceNumber ?? '0');
        if (sequence > end) return records;
        records.push(record);
        if (sequence === end) return records;
      }
      iterator = page.NextShardIterator;
    }
    throw new StreamBatchUnreadableError(
      `could not read the failed batch to its end (${pointer.endSequenceNumber}) in shard ${pointer.shardId}: ${records.length} records read, ` +
        (iterator ? `${emptyPages} empty pages in a row` : 'the shard ended first'),
    );
  }
}
