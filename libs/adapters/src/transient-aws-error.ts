const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
]);

/**
 * Failures before any request is sent (no credentials, say), and bugs thrown inside the SDK's
 * middleware stack (which stamps its $metadata on them): retrying does not fix them.
 */
const LOCAL_FAILURE_NAMES = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ProviderError',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether an AWS SDK failure may succeed if tried later: throttling, a 5xx, or no answer at all. */
export function isTransientAwsError(error: unknown): boolean {
  // Duck-typed: errors raised by Node's sockets may come from another realm than this module's Error.
  if (typeof error !== 'object' || error === null) return false;
  const sdk = error as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: { code?: string } };
  const status = sdk.$metadata?.httpStatusCode;
  // An SDK error without an HTTP status never got a response: the network failed, not the request.
  const noResponse = sdk.$metadata !== undefined && sdk.$metadata.httpStatusCode === undefined && !LOCAL_FAILURE_NAMES.has(sdk.name);
  return (
    noResponse ||
    TRANSIENT_NAMES.has(sdk.name) ||
    NETWORK_CODES.has(sdk.code ?? '') ||
    NETWORK_CODES.has(sdk.cause?.code ?? '') ||
    sdk.$retryable !== undefined ||
    (status !== undefined && (status === 429 || status >= 500))
  );
}
