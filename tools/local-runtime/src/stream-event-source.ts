import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { randomUUID } from 'node:crypto';
import { restoreEmptyMaps } from '@async-jobs/adapters';
import { JOB_RECORD_FILTER_PATTERNS, matchesAnyFilterPattern, type DeploymentSettings } from '@async-jobs/platform';
import type { LocalFunction } from './local-function';
import { retryUntil } from './retry-until';
import type { RuntimeLog } from './runtime-log';

type StreamSettings = DeploymentSettings['stream'];

/** A stream record as Lambda delivers it in a DynamoDB Streams event. */
export interface LambdaStreamRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventSourceARN: string;
  dynamodb: Record<string, unknown> & {
    SequenceNumber?: string;
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, { S?: string }>;
  };
}

export interface OnFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted' | 'MaximumRecordAgeExceeded';
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

interface Pending {
  shardId: string;
  record: LambdaStreamRecord;
  arrivedAt: number;
}

/**
 * The latest the record can have been created (epoch ms), which its age is counted from. DynamoDB
 * Local rounds ApproximateCreationDateTime down to the minute (AWS to the second): counting from
 * the rounded value would make a record up to a minute old at birth. It was created within that
 * minute, and no later than this poller first read it.
 */
export function createdAtLatest(pending: Pick<Pending, 'record' | 'arrivedAt'>): number {
  const rounded = pending.record.dynamodb.ApproximateCreationDateTime;
  return rounded === undefined ? pending.arrivedAt : Math.min(rounded * 1000 + 59_999, pending.arrivedAt);
}

/**
 * One consumer's event source mapping, played locally with its AWS semantics: the INSERT filter,
 * batch size and batching window, partial batch responses (checkpoint at the lowest failed
 * sequence number), bisect on function error, bounded retries, maximum record age, and an
 * on-failure record (pointing into the stream, as AWS's does) handed to the destination.
 * Records of a shard are handled in order, up to the parallelization factor's batches at once.
 */
export class StreamEventSource {
  /** As if the mapping were deleted: records are read and dropped, never delivered, with no on-failure record. */
  deleted = false;
  /** Jobs whose records were dropped while the mapping was deleted, newest last (bounded). */
  readonly dropped: string[] = [];
  private readonly iterators = new Map<string, string | undefined>();
  private readonly pending: Pending[] = [];
  private readonly byJobId = new Map<string, Pending>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastDescribe = 0;

  constructor(
    private readonly options: {
      consumerId: string;
      fn: LocalFunction;
      streams: DynamoDBStreamsClient;
      streamArn: string;
      settings: StreamSettings;
      /** The mapping's filter criteria (`streamFilterPatterns`), as infra sets them. */
      filterPatterns: readonly Parameters<typeof matchesAnyFilterPattern>[1][number][];
      onFailure: (record: OnFailureRecord) => Promise<void>;
      log: RuntimeLog;
    },
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Delivers a job's INSERT record again, as a stream's at-least-once delivery may. */
  redeliver(jobId: string): boolean {
    const seen = this.byJobId.get(jobId);
    if (!seen) return false;
    this.pending.push({ ...seen, arrivedAt: Date.now() });
    return true;
  }

  private async run(): Promise<void> {
    // Up to parallelizationFactor batches of a shard at once, as Lambda runs them (every record is a new job's, so
    // records of one key, which Lambda keeps in order, never meet in two batches; a redelivery may, as in AWS).
    const inFlight = new Set<Promise<void>>();
    const parallel = Math.max(1, this.options.settings.parallelizationFactor);
    while (!this.stopped) {
      const fetched = await retryUntil(() => this.fetch(), {
        isStopped: () => this.stopped,
        onError: (error, attempt) =>
          attempt % 10 === 1 &&
          this.options.log.warn(`consumer ${this.options.consumerId}: reading the stream failed: ${(error as Error).message}`),
      });
      const windowMs = this.options.settings.maximumBatchingWindowSeconds * 1000;
      const ready =
        this.pending.length >= this.options.settings.batchSize ||
        (this.pending.length > 0 && Date.now() - this.pending[0].arrivedAt >= windowMs);
      if (ready && inFlight.size < parallel) {
        const shardId = this.pending[0].shardId;
        const batch: Pending[] = [];
        while (batch.length < this.options.settings.batchSize && this.pending[0]?.shardId === shardId)
          batch.push(this.pending.shift() as Pending);
        const delivery = this.deliver(batch, 0).finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      } else if (!fetched) {
        // Nothing new: wait a moment, or less if a batch in flight ends first.
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), ...inFlight]);
      }
    }
    await Promise.all(inFlight);
  }

  /** Reads new records from every shard; true when any arrived. */
  private async fetch(): Promise<boolean> {
    const { streams, streamArn } = this.options;
    if (Date.now() - this.lastDescribe > 2000 || this.iterators.size === 0) {
      this.lastDescribe = Date.now();
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of StreamDescription?.Shards ?? []) {
        const shardId = shard.ShardId as string;
        if (this.iterators.has(shardId)) continue;
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        this.iterators.set(shardId, ShardIterator);
      }
    }
    let any = false;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator) continue;
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      this.iterators.set(shardId, page.NextShardIterator);
      for (const record of page.Records ?? []) {
        // The mapping's filter (the one infra sets): only what it lets through reaches the function; other records are checkpointed.
        const lambdaRecord = this.toLambdaRecord(record);
        if (!matchesAnyFilterPattern(lambdaRecord, this.options.filterPatterns)) continue;
        if (this.deleted) {
          this.dropped.push(lambdaRecord.dynamodb.Keys?.['id']?.S ?? '');
          if (this.dropped.length > 1000) this.dropped.shift();
          continue;
        }
        const pending = { shardId, record: lambdaRecord, arrivedAt: Date.now() };
        this.pending.push(pending);
        const jobId = pending.record.dynamodb.Keys?.['id']?.S;
        if (jobId) this.remember(jobId, pending);
        any = true;
      }
    }
    return any;
  }

  /** Keeps the job's own record (its INSERT, or a retry) for `redeliver`, as a duplicate delivery of the job would be. */
  private remember(jobId: string, pending: Pending): void {
    if (!matchesAnyFilterPattern(pending.record, JOB_RECORD_FILTER_PATTERNS)) return;
    this.byJobId.set(jobId, pending);
    if (this.byJobId.size > 10_000) this.byJobId.delete(this.byJobId.keys().next().value as string);
  }

  private toLambdaRecord(record: _Record): LambdaStreamRecord {
    const { ApproximateCreationDateTime, NewImage, OldImage, Keys, ...rest } = record.dynamodb ?? {};
    // As Lambda's JSON has them: the SDK hands empty maps back as {} (see restoreEmptyMaps).
    const images = Object.fromEntries(
      Object.entries({ NewImage, OldImage, Keys })
        .filter(([, image]) => image !== undefined)
        .map(([name, image]) => [name, restoreEmptyMaps(image as Record<string, unknown>)]),
    );
    const dynamodb = { ...rest, ...images };
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion,
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion,
      eventSourceARN: this.options.streamArn,
      dynamodb: {
        ...dynamodb,
        ApproximateCreationDateTime: ApproximateCreationDateTime
          ? Math.floor(new Date(ApproximateCreationDateTime).getTime() / 1000)
          : undefined,
      },
    };
  }

  /** Invokes the function with a batch; `attempt` counts the invocations this batch's records already had. */
  private async deliver(batch: Pending[], attempt: number): Promise<void> {
    const { settings, fn } = this.options;
    const oldest = Math.min(...batch.map(createdAtLatest));
    if (settings.maximumRecordAgeSeconds > 0 && Date.now() - oldest > settings.maximumRecordAgeSeconds * 1000) {
      return this.giveUp(batch, 'MaximumRecordAgeExceeded', attempt, 'record too old');
    }
    const result = await fn.invoke({ Records: batch.map((p) => p.record) });
    if (result.ok) {
      const failed = new Set(
        ((result.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures ?? []).map(
          (f) => f.itemIdentifier,
        ),
      );
      if (failed.size === 0) return;
      const index = batch.findIndex((p) => failed.has(p.record.dynamodb.SequenceNumber));
      // An identifier that is in no record of the batch makes Lambda retry the whole batch.
      const rest = index === -1 ? batch : batch.slice(index);
      return this.retry(rest, attempt + 1, `${failed.size} record(s) reported as failed`);
    }
    const reason = `${result.errorType}: ${result.errorMessage}`;
    if (attempt + 1 > settings.maximumRetryAttempts) return this.giveUp(batch, 'RetryAttemptsExhausted', attempt + 1, reason);
    if (settings.bisectBatchOnFunctionError && batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      await this.deliver(batch.slice(0, middle), attempt + 1);
      await this.deliver(batch.slice(middle), attempt + 1);
      return;
    }
    return this.retry(batch, attempt + 1, reason);
  }

  private async retry(batch: Pending[], attempt: number, reason: string): Promise<void> {
    if (attempt > this.options.settings.maximumRetryAttempts) return this.giveUp(batch, 'RetryAttemptsExhausted', attempt, reason);
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 * 2 ** (attempt - 1))));
    if (this.stopped) return;
    return this.deliver(batch, attempt);
  }

  private async giveUp(
    batch: Pending[],
    condition: OnFailureRecord['requestContext']['condition'],
    invocations: number,
    reason: string,
  ): Promise<void> {
    const first = batch[0].record.dynamodb;
    const last = batch[batch.length - 1].record.dynamodb;
    const arrival = (seconds?: number) => new Date((seconds ?? Date.now() / 1000) * 1000).toISOString();
    const record: OnFailureRecord = {
      requestContext: { requestId: randomUUID(), functionArn: this.options.fn.arn, condition, approximateInvokeCount: invocations },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: batch[0].shardId,
        startSequenceNumber: first.SequenceNumber as string,
        endSequenceNumber: last.SequenceNumber as string,
        approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
        batchSize: batch.length,
        streamArn: this.options.streamArn,
      },
    };
    this.options.log.warn(
      `consumer ${this.options.consumerId}: gave up on ${batch.length} record(s) (${condition}: ${reason}); on-failure record sent`,
    );
    // The mapping does not move on until its destination took the record.
    await retryUntil(() => this.options.onFailure(record), {
      isStopped: () => this.stopped,
      onError: (error, n) =>
        n % 10 === 1 &&
        this.options.log.warn(`consumer ${this.options.consumerId}: on-failure destination unavailable: ${(error as Error).message}`),
    });
  }
}
