import { StoreUnavailableError, type JobRepository } from '../src';

/**
 * A store that cannot be reached: every call fails as the adapters report an unreachable DynamoDB
 * (StoreUnavailableError; dynamodb-job-repository.spec.ts proves that half against DynamoDB Local).
 */
export function anUnavailableRepository(): JobRepository {
  const unavailable = async (): Promise<never> => {
    throw new StoreUnavailableError('DynamoDB unreachable', { cause: new Error('connect ECONNREFUSED') });
  };
  return {
    create: unavailable,
    createIdempotent: unavailable,
    get: unavailable,
    listNewest: unavailable,
    findOverdue: unavailable,
    applyChange: unavailable,
  };
}
