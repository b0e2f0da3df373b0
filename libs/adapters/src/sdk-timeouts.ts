/**
 * Timeouts for the functions' AWS SDK clients. Without them a connection or an answer that hangs
 * holds the invocation until the function itself times out; with them it fails as a transient
 * error (TimeoutError), which the SDK retries and the callers treat as an outage. The API answers
 * a caller that waits: three tries must fit well inside its 10 s timeout. Background work can wait
 * longer for a slow answer.
 */
export function sdkTimeouts(kind: 'interactive' | 'background') {
  const requestTimeout = kind === 'interactive' ? 2000 : 10_000;
  return { requestHandler: { connectionTimeout: kind === 'interactive' ? 1000 : 2000, requestTimeout, throwOnRequestTimeout: true } };
}
