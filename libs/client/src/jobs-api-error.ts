/** An error answer of the API: its HTTP status, stable code, message and offending fields. */
export class JobsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; code: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'JobsApiError';
  }

  /** Worth trying again: throttled, or the service briefly unavailable. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** `waitFor` ran out of time; the job is still going. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly jobId: string,
    readonly lastStatus: string,
  ) {
    super(`Job ${jobId} was still ${lastStatus} when the wait ran out`);
    this.name = 'WaitTimeoutError';
  }
}
