import { StoreUnavailableError } from '@async-jobs/domain';

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Turns a transient AWS SDK failure into StoreUnavailableError; anything else passes unchanged. */
export function asStoreError(error: unknown, operation: string): unknown {
  // Duck-typed: errors raised by Node's sockets may come from another realm than this module's Error.
  if (typeof error !== 'object' || error === null) return error;
  const sdk = error as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: { code?: string } };
  const status = sdk.$metadata?.httpStatusCode;
  // An SDK error without an HTTP status never got a response: the network failed, not the request.
  const noResponse = sdk.$metadata !== undefined && sdk.$metadata.httpStatusCode === undefined;
  const transient =
    noResponse ||
    TRANSIENT_NAMES.has(sdk.name) ||
    NETWORK_CODES.has(sdk.code ?? '') ||
    NETWORK_CODES.has(sdk.cause?.code ?? '') ||
    sdk.$retryable !== undefined ||
    (status !== undefined && status >= 500);
  return transient ? new StoreUnavailableError(`The job store is unavailable (${operation}: ${sdk.name})`, { cause: error }) : error;
}
