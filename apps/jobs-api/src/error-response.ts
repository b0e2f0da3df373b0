import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidJobIdError,
  JobAlreadyFinishedError,
  JobConflictError,
  JobNotFoundError,
  NothingToRetryError,
  StoreUnavailableError,
  UnknownJobTypeError,
  ValidationError,
  type FieldError,
} from '@async-jobs/domain';
import { HttpRequestError } from './http-request-error';
import { jsonResponse } from './http-response';

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldError[] };
}

/** An error's answer, and its code for the request's log line. */
export interface ErrorResponse {
  response: APIGatewayProxyResult;
  code: string;
}

/**
 * The one place errors become HTTP responses: `{"error": {"code", "message", "details"?}}`.
 * Anything unexpected is a 500 with a generic message: internals never reach the caller.
 */
export function errorResponse(error: unknown): ErrorResponse {
  const respond = (status: number, code: string, message: string, details?: FieldError[], headers?: Record<string, string>) => ({
    response: jsonResponse(status, { error: { code, message, ...(details ? { details } : {}) } } satisfies ErrorBody, headers),
    code,
  });

  if (error instanceof HttpRequestError) return respond(error.statusCode, error.code, error.message, error.details, error.headers);
  if (error instanceof ValidationError) return respond(400, error.code, error.message, error.details);
  if (error instanceof UnknownJobTypeError) {
    return respond(400, error.code, error.message, [
      { field: '/type', code: 'INVALID_VALUE', message: `Known types: ${error.knownTypes.join(', ')}` },
    ]);
  }
  if (error instanceof InvalidJobIdError) {
    return respond(400, error.code, error.message, [{ field: 'jobId', code: 'INVALID_FORMAT', message: error.message }]);
  }
  if (error instanceof JobNotFoundError) return respond(404, error.code, error.message);
  if (error instanceof ForbiddenError) return respond(403, error.code, error.message);
  if (error instanceof JobAlreadyFinishedError || error instanceof IdempotencyKeyReusedError || error instanceof NothingToRetryError)
    return respond(409, error.code, error.message);
  if (error instanceof StoreUnavailableError || error instanceof JobConflictError) {
    return respond(503, 'SERVICE_UNAVAILABLE', 'The service is briefly unavailable; retry after the given delay', undefined, {
      'Retry-After': '1',
    });
  }
  return respond(500, 'INTERNAL_ERROR', 'The request failed unexpectedly; it has been logged');
}
