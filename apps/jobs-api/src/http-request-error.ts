import type { FieldError } from '@async-jobs/domain';

/** A request refused for how it was sent (route, method, media type, size, syntax), before any use case runs. */
export class HttpRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}
