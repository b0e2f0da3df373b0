/**
 * Timeouts for the functions' AWS SDK clients. Without them a connection or an answer that hangs
 * holds the invocation until the function itself times out; with them it fails as a transient
 * error (TimeoutError), which the SDK retries and the callers treat as an outage. The API answers
 * a caller that waits: three tries must fit well inside its 10 s timeout. Background work can wait
 * longer for a slow answer.
 *
 * The API tries twice, not the SDK's default three times: a call then gives up within about 6 s
 * (2 × (1 s + 2 s) and a backoff), so even a request that makes two calls answers 503 before its
 * 10 s timeout would turn into a 502 that carries no Retry-After.
 *
 * A transfer (a result of up to 128 MiB put to S3) may wait a minute for the answer once its body is sent.
 */
export function sdkTimeouts(kind: 'interactive' | 'background' | 'transfer') {
  const requestTimeout = { interactive: 2000, background: 10_000, transfer: 60_000 }[kind];
  const requestHandler = { connectionTimeout: kind === 'interactive' ? 1000 : 2000, requestTimeout, throwOnRequestTimeout: true };
  return kind === 'interactive' ? { requestHandler, maxAttempts: 2 } : { requestHandler };
}
