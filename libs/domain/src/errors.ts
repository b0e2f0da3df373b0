/**
 * Every error the product raises on purpose carries a stable machine `code` and a human message.
 * Mapping codes to HTTP statuses happens once, in the jobs API; here we only say what went wrong.
 */

/** One offending field of a request, named by its JSON pointer (`/input/seconds`). */
export interface FieldError {
  field: string;
  code: FieldErrorCode;
  message: string;
}

export type FieldErrorCode = 'MISSING_FIELD' | 'UNEXPECTED_FIELD' | 'INVALID_TYPE' | 'OUT_OF_RANGE' | 'INVALID_FORMAT' | 'INVALID_VALUE';

export abstract class JobsError extends Error {
  abstract readonly code: string;
  /** Whether trying the same thing again later may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends JobsError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    message: string,
    readonly details: FieldError[],
  ) {
    super(message);
  }
}

export class UnknownJobTypeError extends JobsError {
  readonly code = 'UNKNOWN_JOB_TYPE';
  constructor(
    readonly jobType: string,
    readonly knownTypes: readonly string[],
  ) {
    super(`Unknown job type "${jobType}"; known types: ${knownTypes.join(', ')}`);
  }
}

export class InvalidJobIdError extends JobsError {
  readonly code = 'INVALID_JOB_ID';
  constructor() {
    super('The job id must be a UUID such as 3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21');
  }
}

export class JobNotFoundError extends JobsError {
  readonly code = 'JOB_NOT_FOUND';
  constructor(readonly jobId: string) {
    super(`No job with id ${jobId}`);
  }
}

/** The caller may not do this (as opposed to a job it may not see, which is JobNotFoundError). */
export class ForbiddenError extends JobsError {
  readonly code = 'FORBIDDEN';
}

export class JobAlreadyExistsError extends JobsError {
  readonly code = 'JOB_ALREADY_EXISTS';
  constructor(readonly jobId: string) {
    super(`A job with id ${jobId} already exists`);
  }
}

export class JobAlreadyFinishedError extends JobsError {
  readonly code = 'JOB_ALREADY_FINISHED';
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job ${jobId} has already finished with status ${status}`);
  }
}

/** A retry of a job that did not end FAILED: there is nothing to run again. */
export class NothingToRetryError extends JobsError {
  readonly code = 'NOTHING_TO_RETRY';
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job ${jobId} is ${status}: only a job that ended FAILED can be retried`);
  }
}

/** A conditional write kept losing to other writers until its retries ran out. Never swallowed. */
export class JobConflictError extends JobsError {
  readonly code = 'JOB_CONFLICT';
  override readonly retryable = true;
  constructor(
    readonly jobId: string,
    readonly operation: string,
    readonly attempts: number,
  ) {
    super(`Job ${jobId}: ${operation} lost to concurrent writers ${attempts} times in a row`);
  }
}

/** The job store could not be reached or throttled us; the same request may succeed later. */
export class StoreUnavailableError extends JobsError {
  readonly code = 'STORE_UNAVAILABLE';
  override readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A stored item or stream image that is not a job this code can read. */
export class CorruptJobError extends JobsError {
  readonly code = 'CORRUPT_JOB';
  constructor(reason: string) {
    super(`Not a valid job item: ${reason}`);
  }
}

/** A job run failed in a way that trying again cannot fix (bad input, a limit exceeded). */
export class PermanentJobError extends JobsError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A run reached its job type's run limit and was stopped; retried or not as the type declares. */
export class RunTimedOutError extends JobsError {
  readonly code = 'RUN_TIMED_OUT';
  override readonly retryable: boolean;
  constructor(jobType: string, seconds: number, retryable: boolean) {
    super(`The run of a ${jobType} job reached its limit of ${seconds}s and was stopped`);
    this.retryable = retryable;
  }
}

/** The Idempotency-Key was used before with a different request. */
export class IdempotencyKeyReusedError extends JobsError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly jobId: string) {
    super(`This Idempotency-Key was used for another request (job ${jobId}); use a new key for a new job`);
  }
}

/**
 * A planned write would move an entry against the state machine: a bug in a transition, never the caller's
 * doing. Raised before anything is written.
 */
export class IllegalTransitionError extends JobsError {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly transition: string,
    readonly consumerId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${transition} would move consumer ${consumerId}'s entry from ${from} to ${to}, which the state machine forbids`);
  }
}
