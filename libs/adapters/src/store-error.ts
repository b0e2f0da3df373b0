import { StoreUnavailableError } from '@async-jobs/domain';
import { isTransientAwsError } from './transient-aws-error';

/** Turns a transient AWS SDK failure into StoreUnavailableError; anything else passes unchanged. */
export function asStoreError(error: unknown, operation: string): unknown {
  if (!isTransientAwsError(error)) return error;
  return new StoreUnavailableError(`The job store is unavailable (${operation}: ${(error as Error).name})`, { cause: error });
}
