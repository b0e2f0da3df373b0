import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

/** Every record in a table's stream so far, with the shard it is in: for building on-failure records. */
export async function readStreamRecords(streamArn: string): Promise<{ shardId: string; records: _Record[] }[]> {
  const client = new DynamoDBStreamsClient({});
  try {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shards = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId ?? '';
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const records: _Record[] = [];
      let iterator = ShardIterator;
      for (let page = 0; iterator && page < 20; page++) {
        const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
        if (!result.Records?.length) break;
        records.push(...result.Records);
        iterator = result.NextShardIterator;
      }
      shards.push({ shardId, records });
    }
    return shards;
  } finally {
    client.destroy();
  }
}

/** The on-failure record an event source mapping sends for a batch of `records`, in AWS's format. */
export function anOnFailureRecord(args: {
  functionArn: string;
  streamArn: string;
  shardId: string;
  records: _Record[];
  invocations?: number;
  batchSize?: number;
}) {
  const sequence = args.records.map((r) => r.dynamodb?.SequenceNumber ?? '');
  return {
    requestContext: {
      requestId: 'c9e3ad3d-b2a3-4e0f-9d0a-000000000000',
      functionArn: args.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: args.invocations ?? 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: args.shardId,
      startSequenceNumber: sequence[0],
      endSequenceNumber: sequence[sequence.length - 1],
      approximateArrivalOfFirstRecord: new Date().toISOString(),
      approximateArrivalOfLastRecord: new Date().toISOString(),
      batchSize: args.batchSize ?? args.records.length,
      streamArn: args.streamArn,
    },
  };
}

/** What Lambda puts on an EventBridge bus when an async invocation failed for good, as a replay delivers it. */
export function aDestinationFailureEvent(requestPayload: unknown, functionArn: string, replayName?: string) {
  return {
    version: '0',
    id: 'f1e2d3c4-0000-4000-8000-000000000000',
    'detail-type': 'Lambda Function Invocation Result - Failure',
    source: 'lambda',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [functionArn],
    ...(replayName ? { 'replay-name': replayName } : {}),
    detail: {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId: 'r', functionArn, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'FailuresNotRecordedError', errorMessage: 'Not every failure could be recorded' },
    },
  };
}
