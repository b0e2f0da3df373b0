import type { LocalFunction } from './local-function';
import type { RuntimeLog } from './runtime-log';

export interface AsyncInvokePolicy {
  maximumRetryAttempts: number;
  /** Waits before each retry; Lambda uses about 1 and 2 minutes, locally a few seconds. */
  retryDelaysMs: number[];
  maximumEventAgeSeconds: number;
}

/** What Lambda sends to an on-failure destination after the last failed asynchronous attempt. */
export interface DestinationEnvelope {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  responsePayload: { errorType: string; errorMessage: string };
}

/**
 * Lambda's asynchronous invocation: the caller is answered at once; a failed attempt is retried
 * after a delay up to `maximumRetryAttempts` times, then the on-failure destination gets the envelope.
 */
export class AsyncInvoker {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly fn: LocalFunction,
    private readonly policy: AsyncInvokePolicy,
    private readonly onFailure: (envelope: DestinationEnvelope) => Promise<void>,
    private readonly log: RuntimeLog,
  ) {}

  invoke(event: unknown): void {
    const run = this.run(event).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async run(event: unknown): Promise<void> {
    const accepted = Date.now();
    for (let attempt = 1; ; attempt++) {
      const result = await this.fn.invoke(event);
      if (result.ok) return;
      this.log.warn(`${this.fn.name} failed (attempt ${attempt}): ${result.errorType}: ${result.errorMessage}`);
      const tooOld = Date.now() - accepted > this.policy.maximumEventAgeSeconds * 1000;
      if (attempt > this.policy.maximumRetryAttempts || tooOld) {
        await this.onFailure({
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: {
            requestId: result.requestId,
            functionArn: `${this.fn.arn}:$LATEST`,
            condition: tooOld ? 'EventAgeExceeded' : 'RetriesExhausted',
            approximateInvokeCount: attempt,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: result.errorType, errorMessage: result.errorMessage },
        });
        return;
      }
      const delays = this.policy.retryDelaysMs;
      await new Promise((resolve) => setTimeout(resolve, delays[Math.min(attempt - 1, delays.length - 1)] ?? 1000));
    }
  }
}
