import type { LocalFunction } from './local-function';
import type { RuntimeLog } from './runtime-log';

export interface AsyncInvokePolicy {
  maximumRetryAttempts: number;
  /** Waits before each retry; Lambda uses about 1 and 2 minutes, locally a few seconds. */
  retryDelaysMs: number[];
  maximumEventAgeSeconds: number;
  /** The function's reserved concurrency: events beyond it wait in the queue. Unbounded when unset. */
  concurrency?: number;
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

interface Queued {
  event: unknown;
  accepted: number;
  /** Invocations so far. */
  attempts: number;
  last?: { requestId: string; errorType: string; errorMessage: string };
}

/**
 * Lambda's asynchronous invocation: the caller is answered at once and the event waits in the function's
 * queue until its concurrency allows a run; a failed attempt goes back to the queue after a delay, up to
 * `maximumRetryAttempts` times, and an event that failed them all, or waited longer than its maximum age,
 * goes to the on-failure destination in Lambda's envelope.
 */
export class AsyncInvoker {
  private readonly queue: Queued[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly delayed = new Set<Promise<void>>();
  /** Runs in flight at most so far, for the benchmarks. */
  maxInFlight = 0;
  /** Events accepted so far. */
  accepted = 0;
  private stopped = false;

  constructor(
    private readonly fn: LocalFunction,
    private readonly policy: AsyncInvokePolicy,
    private readonly onFailure: (envelope: DestinationEnvelope) => Promise<void>,
    private readonly log: RuntimeLog,
  ) {}

  invoke(event: unknown): void {
    this.accepted += 1;
    this.queue.push({ event, accepted: Date.now(), attempts: 0 });
    this.pump();
  }

  /** Runs in flight now: at most the concurrency. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Events waiting for a run: queued beyond the concurrency, or waiting out a retry's delay. */
  get waiting(): number {
    return this.queue.length + this.delayed.size;
  }

  /** Stops taking events from the queue (the local system is stopping): runs in flight end with their function. */
  stop(): void {
    this.stopped = true;
    this.queue.splice(0);
  }

  async idle(): Promise<void> {
    while (this.running.size || this.delayed.size) await Promise.all([...this.running, ...this.delayed]);
  }

  private pump(): void {
    const limit = this.policy.concurrency ?? Number.POSITIVE_INFINITY;
    while (!this.stopped && this.running.size < limit && this.queue.length) {
      const queued = this.queue.shift() as Queued;
      if (this.tooOld(queued)) {
        void this.giveUp(queued, 'EventAgeExceeded');
        continue;
      }
      const run = this.attempt(queued).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
      this.maxInFlight = Math.max(this.maxInFlight, this.running.size);
    }
  }

  private tooOld(queued: Queued): boolean {
    return Date.now() - queued.accepted > this.policy.maximumEventAgeSeconds * 1000;
  }

  private async attempt(queued: Queued): Promise<void> {
    queued.attempts += 1;
    const result = await this.fn.invoke(queued.event);
    if (result.ok || this.stopped) return;
    queued.last = result;
    this.log.warn(`${this.fn.name} failed (attempt ${queued.attempts}): ${result.errorType}: ${result.errorMessage}`);
    if (queued.attempts > this.policy.maximumRetryAttempts) return this.giveUp(queued, 'RetriesExhausted');
    if (this.tooOld(queued)) return this.giveUp(queued, 'EventAgeExceeded');
    const delays = this.policy.retryDelaysMs;
    const wait = new Promise<void>((resolve) => setTimeout(resolve, delays[Math.min(queued.attempts - 1, delays.length - 1)] ?? 1000)).then(
      () => {
        this.delayed.delete(wait);
        if (this.stopped) return;
        this.queue.push(queued);
        this.pump();
      },
    );
    this.delayed.add(wait);
  }

  private async giveUp(queued: Queued, condition: DestinationEnvelope['requestContext']['condition']): Promise<void> {
    await this.onFailure(this.envelope(queued, condition)).catch((error: Error) =>
      this.log.error(`${this.fn.name}: the on-failure destination refused an event (${condition}): ${error.message}`),
    );
  }

  private envelope(queued: Queued, condition: DestinationEnvelope['requestContext']['condition']): DestinationEnvelope {
    return {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: queued.last?.requestId ?? 'never-invoked',
        functionArn: `${this.fn.arn}:$LATEST`,
        condition,
        approximateInvokeCount: queued.attempts,
      },
      requestPayload: queued.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: queued.last?.errorType ?? 'EventAgeExceeded',
        errorMessage: queued.last?.errorMessage ?? 'the event waited in the queue longer than its maximum age',
      },
    };
  }
}
