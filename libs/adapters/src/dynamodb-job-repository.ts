import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  isSameJob,
  JobAlreadyExistsError,
  StoreUnavailableError,
  type ChangeResult,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type Job,
  type JobChange,
  type JobRepository,
  type ListNewestQuery,
} from '@async-jobs/domain';
import {
  JOBS_BY_OWNER_INDEX,
  JOBS_BY_TYPE_INDEX,
  JOBS_TABLE_TTL_ATTRIBUTE,
  ownerTypeKey,
  UNFINISHED_ENTRIES_INDEX,
} from '@async-jobs/platform';
import { jobChangeExpression } from './job-change-expression';
import { itemOfJob, jobFromItem } from './job-item';
import { asStoreError } from './store-error';

const MARSHALL = { removeUndefinedValues: true } as const;
const jobItem = (job: Job) => marshall(itemOfJob(job), MARSHALL);

/**
 * Why a transaction was refused, as the caller should see it: the job id taken, or a passing
 * condition of the store (throttling, a concurrent transaction on the same key, the same request
 * still in progress), which is a 503 to retry, never a 500.
 */
function transactionError(error: unknown, reasons: string[], jobId: string): unknown {
  if (reasons[1] === 'ConditionalCheckFailed') return new JobAlreadyExistsError(jobId);
  const passing = reasons.find((code) => TRANSIENT_CANCELLATION_REASONS.has(code));
  if (passing) return new StoreUnavailableError(`The job store refused the transaction for now (${passing}); retry`, { cause: error });
  if (error instanceof TransactionInProgressException)
    return new StoreUnavailableError('The same request is still in progress; retry', { cause: error });
  return asStoreError(error, 'create');
}

/** Cancellation reasons of a transaction that may succeed when tried again. */
const TRANSIENT_CANCELLATION_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/** BatchGetItem rounds for unprocessed keys, and the first backoff (doubling): about 0.75 s in all, well inside the API's time. */
const UNPROCESSED_KEYS_ROUNDS = 5;
const UNPROCESSED_KEYS_BACKOFF_MS = 50;

/** Idempotency keys live in the jobs table under this id prefix; they have no `type`, so no processor sees them. */
export const IDEMPOTENCY_PREFIX = 'idempotency#';

/**
 * Jobs in one DynamoDB table keyed by `id`. Each write is a single conditional request; a lost
 * condition returns the item as it stood (ReturnValuesOnConditionCheckFailure), which is the fresh,
 * strongly consistent read the locking protocol re-plans from, at no extra request.
 */
export class DynamoDbJobRepository implements JobRepository {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: { sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async create(job: Job): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: jobItem(job),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'id' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // The SDK retries a put whose answer was lost; the retry then finds the item its first try stored.
        if (error.Item && isSameJob(unmarshall(error.Item) as Job, job)) return;
        throw new JobAlreadyExistsError(job.id);
      }
      throw asStoreError(error, 'create');
    }
  }

  async createIdempotent(
    job: Job,
    idempotency: IdempotencyClaim,
  ): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }> {
    const keyId = `${IDEMPOTENCY_PREFIX}${idempotency.keyHash}`;
    // A key is free when it is new, past its expiry (TTL deletes lazily, hours later), or stale:
    // it still points at the job the caller found gone.
    const keyFree = ['attribute_not_exists(#id)', '#expiresAt < :now', ...(idempotency.replacing ? ['#jobId = :stale'] : [])].join(' OR ');
    try {
      // Both or neither: a key never points at a job that was not stored, nor a job lacks its key.
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({
                  id: keyId,
                  jobId: job.id,
                  requestHash: idempotency.requestHash,
                  createdAt: job.createdAt,
                  expiresAt: job.expiresAt,
                }),
                ConditionExpression: keyFree,
                ExpressionAttributeNames: {
                  '#id': 'id',
                  '#expiresAt': JOBS_TABLE_TTL_ATTRIBUTE,
                  ...(idempotency.replacing ? { '#jobId': 'jobId' } : {}),
                },
                ExpressionAttributeValues: marshall({
                  ':now': Math.floor(Date.parse(job.createdAt) / 1000),
                  ...(idempotency.replacing ? { ':stale': idempotency.replacing } : {}),
                }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: jobItem(job),
                ConditionExpression: 'attribute_not_exists(#id)',
                ExpressionAttributeNames: { '#id': 'id' },
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None') : [];
      if (reasons[0] !== 'ConditionalCheckFailed') throw transactionError(error, reasons, job.id);
    }
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall({ id: keyId }), ConsistentRead: true }),
      );
      const record = Item ? (unmarshall(Item) as { jobId: string; requestHash: string }) : undefined;
      if (!record) throw new StoreUnavailableError('The idempotency key vanished between the refusal and the read; retry');
      return { created: false, existing: { keyHash: idempotency.keyHash, requestHash: record.requestHash, jobId: record.jobId } };
    } catch (error) {
      throw asStoreError(error, 'read the idempotency key');
    }
  }

  async get(jobId: string): Promise<Job | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: marshall({ id: jobId }), ConsistentRead: true }),
      );
      return Item ? jobFromItem(unmarshall(Item)) : undefined;
    } catch (error) {
      throw asStoreError(error, 'get');
    }
  }

  /**
   * One index query per type (newest first, before the position) — on the owners' index for one
   * owner's jobs, else on the types' — merged; then the items themselves, read consistently.
   */
  async listNewest(query: ListNewestQuery): Promise<{ jobs: Job[]; more: boolean }> {
    try {
      const { partitionKey, sortKey, name } = query.owner === undefined ? JOBS_BY_TYPE_INDEX : JOBS_BY_OWNER_INDEX;
      const owner = query.owner;
      const pages = await Promise.all(
        query.types.map((type) =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: name,
              KeyConditionExpression: query.before ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
              ExpressionAttributeNames: query.before ? { '#pk': partitionKey, '#sk': sortKey } : { '#pk': partitionKey },
              ExpressionAttributeValues: marshall({
                ':pk': owner === undefined ? type : ownerTypeKey(owner, type),
                ...(query.before ? { ':before': query.before } : {}),
              }),
              ScanIndexForward: false,
              Limit: query.limit + 1, // one more tells whether there is more
            }),
          ),
        ),
      );
      const keys = pages
        .flatMap((page) => page.Items ?? [])
        .map((item) => unmarshall(item) as { id: string; createdSort: string })
        .sort((a, b) => (a.createdSort < b.createdSort ? 1 : -1));
      const chosen = keys.slice(0, query.limit);
      const { jobs, complete } = await this.getMany(chosen.map((k) => k.id));
      return { jobs, more: !complete || keys.length > query.limit || pages.some((p) => p.LastEvaluatedKey !== undefined) };
    } catch (error) {
      throw asStoreError(error, 'list');
    }
  }

  /**
   * The items of `ids`, in that order, read consistently. A job gone meanwhile (expired, deleted) is
   * left out. Keys BatchGetItem leaves unprocessed under load are asked for again with backoff; if
   * some are still unread, the page ends before the first of them (`complete: false`), so that the
   * listing's cursor never moves past a job it did not return.
   * @throws StoreUnavailableError when not even the first job could be read.
   */
  private async getMany(ids: string[]): Promise<{ jobs: Job[]; complete: boolean }> {
    const found = new Map<string, Job>();
    const unread = new Set<string>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, AttributeValue>[] | undefined = ids.slice(i, i + 100).map((id) => marshall({ id }));
      for (let round = 0; keys?.length && round < UNPROCESSED_KEYS_ROUNDS; round++) {
        if (round > 0) await this.sleep(UNPROCESSED_KEYS_BACKOFF_MS * 2 ** (round - 1));
        const result: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const job = jobFromItem(unmarshall(item));
          found.set(job.id, job);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
      for (const key of keys ?? []) unread.add(unmarshall(key)['id'] as string);
    }
    const firstUnread = ids.findIndex((id) => unread.has(id));
    const returned = firstUnread === -1 ? ids : ids.slice(0, firstUnread);
    if (firstUnread === 0)
      throw new StoreUnavailableError(
        `The job store left ${unread.size} of ${ids.length} jobs unread after ${UNPROCESSED_KEYS_ROUNDS} tries; retry`,
      );
    return { jobs: returned.map((id) => found.get(id)).filter((job): job is Job => job !== undefined), complete: firstUnread === -1 };
  }

  /** Each shard of the consumer's unfinished-entries index, earliest deadline first, merged. */
  async findOverdue(query: { consumerId: string; before: number; limit: number }): Promise<string[]> {
    const { partitionKey, sortKey, name, shards } = UNFINISHED_ENTRIES_INDEX;
    try {
      const pages = await Promise.all(
        Array.from({ length: shards }, (_, shard) =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: name(query.consumerId),
              KeyConditionExpression: '#shard = :shard AND #deadline < :before',
              ExpressionAttributeNames: { '#shard': partitionKey, '#deadline': sortKey(query.consumerId) },
              ExpressionAttributeValues: marshall({ ':shard': String(shard), ':before': query.before }),
              Limit: query.limit,
            }),
          ),
        ),
      );
      return pages
        .flatMap((page) => (page.Items ?? []).map((item) => unmarshall(item) as Record<string, unknown>))
        .sort((a, b) => (a[sortKey(query.consumerId)] as number) - (b[sortKey(query.consumerId)] as number))
        .slice(0, query.limit)
        .map((item) => item['id'] as string);
    } catch (error) {
      throw asStoreError(error, 'find overdue entries');
    }
  }

  async applyChange(jobId: string, change: JobChange): Promise<ChangeResult> {
    const { values, ...expression } = jobChangeExpression(change);
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ id: jobId }),
          ...expression,
          ExpressionAttributeValues: marshall(values, MARSHALL),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true, job: jobFromItem(unmarshall(Attributes ?? {})) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { applied: false, current: error.Item ? jobFromItem(unmarshall(error.Item)) : undefined };
      }
      throw asStoreError(error, 'update');
    }
  }
}
