import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { JobAlreadyExistsError, type ChangeResult, type Job, type JobChange, type JobRepository } from '@async-jobs/domain';
import { jobChangeExpression } from './job-change-expression';
import { jobFromItem } from './job-item';
import { asStoreError } from './store-error';

const MARSHALL = { removeUndefinedValues: true } as const;

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
          Item: marshall(job, MARSHALL),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'id' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new JobAlreadyExistsError(job.id);
      throw asStoreError(error, 'create');
    }
  }

  async get(jobId: string): Promise<Job | undefined> {
    try {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ id: jobId }), ConsistentRead: true }));
      return Item ? jobFromItem(unmarshall(Item)) : undefined;
    } catch (error) {
      throw asStoreError(error, 'get');
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
