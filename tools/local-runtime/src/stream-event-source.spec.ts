import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { deploymentSettings, JOB_RECORD_FILTER_PATTERNS } from '@async-jobs/platform';
import { aSubmittedJob, createTestTable, type TestTable } from '@async-jobs/testing';
import type { InvokeResult, LocalFunction } from './local-function';
import { createdAtLatest, StreamEventSource, type LambdaStreamRecord, type OnFailureRecord } from './stream-event-source';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const idOf = (record: LambdaStreamRecord) => record.dynamodb.Keys?.['id']?.S ?? '';
const ok = (result: unknown = {}): InvokeResult => ({ ok: true, result, requestId: 'r' });

describe('StreamEventSource against DynamoDB Local streams', () => {
  let table: TestTable;
  const streams = new DynamoDBStreamsClient({});
  const settings = {
    ...deploymentSettings('local').stream,
    batchSize: 4,
    maximumRetryAttempts: 2,
    maximumBatchingWindowSeconds: 0,
    parallelizationFactor: 1,
  };

  beforeEach(async () => (table = await createTestTable()));
  afterEach(async () => table.drop());
  afterAll(() => streams.destroy());

  /** Writes `jobs` jobs, runs the event source with a function double answering `answer`, until `done`. */
  async function run(
    jobs: number,
    answer: (records: LambdaStreamRecord[], call: number) => InvokeResult | Promise<InvokeResult>,
    done: (calls: string[][], failures: OnFailureRecord[]) => boolean,
    overrides: Partial<typeof settings> = {},
  ) {
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const job = aSubmittedJob();
      ids.push(job.id);
      await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(job) }));
    }
    const calls: string[][] = [];
    const fn = {
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:async-jobs-local-processor-a',
      name: 'processor',
      invoke: async (event: { Records: LambdaStreamRecord[] }) => {
        calls.push(event.Records.map(idOf));
        return answer(event.Records, calls.length);
      },
    } as unknown as LocalFunction;
    const failures: OnFailureRecord[] = [];
    const source = new StreamEventSource({
      consumerId: 'a',
      fn,
      streams,
      streamArn: table.streamArn,
      settings: { ...settings, ...overrides },
      filterPatterns: [...JOB_RECORD_FILTER_PATTERNS],
      log: quiet,
      onFailure: async (r) => void failures.push(r),
    });
    source.start();
    for (let i = 0; i < 200 && !done(calls, failures); i++) await new Promise((r) => setTimeout(r, 50));
    await source.stop();
    return { ids, calls, failures };
  }

  it('delivers new jobs in order, in batches of at most the configured size', async () => {
    const { ids, calls } = await run(
      6,
      () => ok({ batchItemFailures: [] }),
      (c) => c.flat().length >= 6,
    );
    // A page of the stream may hold fewer records than were written (a busy machine): batches never exceed 4, and fill up when records wait.
    expect(calls.flat()).toEqual(ids);
    expect(Math.max(...calls.map((batch) => batch.length))).toBe(4);
    expect(calls.every((batch) => batch.length <= 4)).toBe(true);
  });

  it('runs up to the parallelization factor of batches at once, and no more', async () => {
    let running = 0;
    let most = 0;
    const { ids, calls } = await run(
      8,
      async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 300));
        running -= 1;
        return ok({ batchItemFailures: [] });
      },
      (c) => c.flat().length >= 8,
      { batchSize: 2, parallelizationFactor: 2 },
    );
    expect(calls.flat().sort()).toEqual([...ids].sort());
    expect(most).toBe(2);
  });

  it('retries from the lowest failed record of a partial batch response, checkpointing the ones before it', async () => {
    const { ids, calls } = await run(
      4,
      (records, call) =>
        ok({
          batchItemFailures:
            call === 1
              ? [{ itemIdentifier: records[3].dynamodb.SequenceNumber }, { itemIdentifier: records[2].dynamodb.SequenceNumber }]
              : [],
        }),
      (c) => c.length >= 2,
    );
    expect(calls).toEqual([ids, ids.slice(2)]);
  });

  it('bisects a failing batch, retries the poisoned part to the limit, then sends an on-failure record for it', async () => {
    let poison = '';
    const { ids, calls, failures } = await run(
      4,
      (records, call) => {
        if (call === 1) poison = idOf(records[2]);
        return records.some((r) => idOf(r) === poison) ? { ok: false, errorType: 'Error', errorMessage: 'boom', requestId: 'r' } : ok();
      },
      (_c, f) => f.length >= 1,
    );
    expect(calls[0]).toEqual(ids);
    expect(calls).toContainEqual([ids[0], ids[1]]); // the healthy half went through
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringContaining('processor-a'),
      },
      DDBStreamBatchInfo: { streamArn: table.streamArn, batchSize: 1 },
    });
    expect(calls.flat().filter((id) => id === poison).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the age of a stream record', () => {
  const minute = Date.parse('2026-11-30T06:29:00.000Z');
  const record = (roundedSeconds: number | undefined) =>
    ({ eventSourceARN: 'arn', dynamodb: { ApproximateCreationDateTime: roundedSeconds } }) as LambdaStreamRecord;

  it('counts from the latest instant the record can have been created: DynamoDB Local rounds its time down to the minute', () => {
    // Written at 06:29:55 and read at once: it is seconds old, not 55 s old.
    expect(createdAtLatest({ record: record(minute / 1000), arrivedAt: minute + 55_100 })).toBe(minute + 55_100);
    // Read long after: it was created within its minute.
    expect(createdAtLatest({ record: record(minute / 1000), arrivedAt: minute + 300_000 })).toBe(minute + 59_999);
    expect(createdAtLatest({ record: record(undefined), arrivedAt: minute })).toBe(minute);
  });
});
