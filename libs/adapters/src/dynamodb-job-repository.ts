import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isSameJob, JobAlreadyExistsError, listPosition, StoreUnavailableError, type ChangeResult, type IdempotencyRecord, type Job, type JobChange, type JobRepository } from '@async-jobs/domain';
import { JOBS_BY_TYPE_INDEX } from '@async-jobs/platform';
import { jobChangeExpression } from './job-change-expression';
import { jobFromItem } from './job-item';
import { asStoreError } from './store-error';

const MARSHALL = { removeUndefinedValues: true } as const;
/** A job as stored: its fields, plus the listing index's sort key. */
function jobItem(job: Job) {
  return marshall({ ...job, [JOBS_BY_TYPE_INDEX.sortKey]: listPosition(job) }, MARSHALL);
}

/** Idempotency keys live in the jobs table under this id prefix; they have no `type`, so no processor sees them. */
export const IDEMPOTENCY_PREFIX = 'idempotency#';

/**
 * Jobs in one DynamoDB table keyed by `id`. Each write is a single conditional request; a lost
 * condition returns the item as it stood (ReturnValuesOnConditionCheckFailure), which is the fresh,
 * strongly consistent read the locking protocol re-plans from, at no extra request.
 */
export class DynamoDbJobRepository implements JobRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

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

  async createIdempotent(job: Job, idempotency: { keyHash: string; requestHash: string }): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }> {
    const keyId = `${IDEMPOTENCY_PREFIX}${idempotency.keyHash}`;
    try {
      // Both or neither: a key never points at a job that was not stored, nor a job lacks its key.
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: marshall({ id: keyId, jobId: job.id, requestHash: idempotency.requestHash, createdAt: job.createdAt, expiresAt: job.expiresAt }),
                ConditionExpression: 'attribute_not_exists(#id)',
                ExpressionAttributeNames: { '#id': 'id' },
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
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code) : [];
      if (reasons[0] !== 'ConditionalCheckFailed') {
        if (reasons[1] === 'ConditionalCheckFailed') throw new JobAlreadyExistsError(job.id);
        // Another transaction on the same key at the same instant: the caller's retry will find the winner.
        if (reasons.includes('TransactionConflict')) throw new StoreUnavailableError('A concurrent request with the same Idempotency-Key is in flight; retry', { cause: error });
        throw asStoreError(error, 'create');
      }
    }
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ id: keyId }), ConsistentRead: true }));
    const record = Item ? (unmarshall(Item) as { jobId: string; requestHash: string }) : undefined;
    if (!record) throw new StoreUnavailableError('The idempotency key vanished between the refusal and the read; retry');
    return { created: false, existing: { keyHash: idempotency.keyHash, requestHash: record.requestHash, jobId: record.jobId } };
  }

  async get(jobId: string): Promise<Job | undefined> {
    try {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ id: jobId }), ConsistentRead: true }));
      return Item ? jobFromItem(unmarshall(Item)) : undefined;
    } catch (error) {
      throw asStoreError(error, 'get');
    }
  }

  /** One index query per type (newest first, before the position), merged; then the items themselves, read consistently. */
  async listNewest(query: { types: readonly string[]; limit: number; before?: string }): Promise<{ jobs: Job[]; more: boolean }> {
    try {
      const { partitionKey, sortKey, name } = JOBS_BY_TYPE_INDEX;
      const pages = await Promise.all(
        query.types.map((type) =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: name,
              KeyConditionExpression: query.before ? '#pk = :type AND #sk < :before' : '#pk = :type',
              ExpressionAttributeNames: query.before ? { '#pk': partitionKey, '#sk': sortKey } : { '#pk': partitionKey },
              ExpressionAttributeValues: marshall(query.before ? { ':type': type, ':before': query.before } : { ':type': type }),
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
      return { jobs: await this.getMany(chosen.map((k) => k.id)), more: keys.length > query.limit || pages.some((p) => p.LastEvaluatedKey !== undefined) };
    } catch (error) {
      throw asStoreError(error, 'list');
    }
  }

  /** The items of `ids`, in that order, read consistently (a job expired meanwhile is left out). */
  private async getMany(ids: string[]): Promise<Job[]> {
    const found = new Map<string, Job>();
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, AttributeValue>[] | undefined = ids.slice(i, i + 100).map((id) => marshall({ id }));
      // BatchGetItem may leave keys unprocessed under load; ask again for those.
      for (let round = 0; keys?.length && round < 5; round++) {
        const result: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const job = jobFromItem(unmarshall(item));
          found.set(job.id, job);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return ids.map((id) => found.get(id)).filter((job): job is Job => job !== undefined);
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
