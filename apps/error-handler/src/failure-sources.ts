import type { StreamBatchPointer } from '@async-jobs/adapters';
import { isRunOrder, type FailureOrigin, type FailureReason, type FailureToRecord } from '@async-jobs/domain';
import { consumerOfFunction } from '@async-jobs/platform';

/** What one incoming message says failed, once its envelope is taken off. */
export type FailureSource =
  /** A processor's JobFailed notice, or an unrecorded failure replayed from the archive. */
  | { kind: 'failure'; failure: FailureToRecord; attempt: number }
  /** An event source mapping's on-failure record: a pointer into the stream, to be read back. */
  | { kind: 'stream-batch'; pointer: StreamBatchPointer; consumerId: string; reason: FailureReason; attempt: number }
  | { kind: 'unrecognised'; description: string };

export interface ConsumerNaming {
  environment: string;
  consumers: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Takes apart everything the error handler can be invoked with: an SNS event (from the error topic),
 * an EventBridge event (a replay from the archive), and either of them inside a Lambda on-failure
 * destination envelope (`requestPayload`).
 */
export function failureSourcesOf(event: unknown, naming: ConsumerNaming): FailureSource[] {
  if (!isObject(event)) return [{ kind: 'unrecognised', description: 'the event is not an object' }];
  if (Array.isArray(event['Records'])) {
    return event['Records'].flatMap((record: unknown) => {
      const sns = isObject(record) ? record['Sns'] : undefined;
      if (!isObject(sns) || typeof sns['Message'] !== 'string')
        return [{ kind: 'unrecognised' as const, description: 'a record that is not an SNS notification' }];
      try {
        return [messageSource(JSON.parse(sns['Message']), naming)];
      } catch {
        return [{ kind: 'unrecognised' as const, description: 'an SNS message that is not JSON' }];
      }
    });
  }
  if (isString(event['detail-type']) && isObject(event['detail'])) {
    const detail = event['detail'];
    if (event['detail-type'] === 'JobFailureUnrecorded') return [messageSource(detail, naming)];
    if ('requestPayload' in detail) return failureSourcesOf(detail['requestPayload'], naming);
    return [{ kind: 'unrecognised', description: `an EventBridge event of type ${event['detail-type']}` }];
  }
  if ('requestPayload' in event) return failureSourcesOf(event['requestPayload'], naming);
  return [{ kind: 'unrecognised', description: 'an event that is neither SNS nor EventBridge' }];
}

function messageSource(message: unknown, naming: ConsumerNaming): FailureSource {
  if (!isObject(message)) return { kind: 'unrecognised', description: 'a message that is not an object' };
  if (message['kind'] === 'JobFailed' || message['kind'] === 'JobFailureUnrecorded') return noticeSource(message);
  if (isObject(message['DDBStreamBatchInfo'])) return streamBatchSource(message, naming);
  if (isRunOrder(message['requestPayload'])) return runnerSource(message, naming);
  return { kind: 'unrecognised', description: 'a message that is neither a failure notice nor an on-failure record' };
}

function noticeSource(message: Json): FailureSource {
  const reason = message['reason'];
  if (
    !isString(message['jobId']) ||
    !isString(message['consumerId']) ||
    !isObject(reason) ||
    !isString(reason['code']) ||
    typeof reason['message'] !== 'string'
  ) {
    return { kind: 'unrecognised', description: `a ${String(message['kind'])} notice without jobId, consumerId and reason` };
  }
  return {
    kind: 'failure',
    failure: {
      jobId: message['jobId'],
      consumerId: message['consumerId'],
      reason: { code: reason['code'], message: reason['message'] },
      origin: originOf(message),
    },
    attempt: typeof message['attempt'] === 'number' ? message['attempt'] : 0,
  };
}

/**
 * A processor's notice names the claim of the run that failed; an archived event carries the origin
 * it was first recorded under. A notice from before claims were named is the event source's giving up.
 */
function originOf(message: Json): FailureOrigin {
  if (isString(message['claimToken'])) return { kind: 'run', claimToken: message['claimToken'] };
  const origin = message['origin'];
  if (isObject(origin) && (origin['kind'] === 'run' || origin['kind'] === 'dispatch') && isString(origin['claimToken']))
    return { kind: origin['kind'], claimToken: origin['claimToken'] };
  return { kind: 'delivery', evidenceRequired: isObject(origin) && origin['evidenceRequired'] === true };
}

const CONDITION_CODES: Record<string, string> = {
  RetryAttemptsExhausted: 'RETRIES_EXHAUSTED',
  MaximumRecordAgeExceeded: 'RECORD_TOO_OLD',
};

function streamBatchSource(message: Json, naming: ConsumerNaming): FailureSource {
  const info = message['DDBStreamBatchInfo'] as Json;
  const request = isObject(message['requestContext']) ? message['requestContext'] : {};
  const response = isObject(message['responseContext']) ? message['responseContext'] : {};
  const functionArn = request['functionArn'];
  const consumerId = isString(functionArn) ? consumerOfFunction(naming.environment, naming.consumers, functionArn) : undefined;
  if (!consumerId)
    return { kind: 'unrecognised', description: `an on-failure record from a function that is no consumer here: ${String(functionArn)}` };
  for (const key of ['streamArn', 'shardId', 'startSequenceNumber', 'endSequenceNumber']) {
    if (!isString(info[key])) return { kind: 'unrecognised', description: `an on-failure record without ${key}` };
  }
  const condition = String(request['condition'] ?? 'unknown');
  const invocations = Number(request['approximateInvokeCount'] ?? 0);
  const functionError = isString(response['functionError']) ? `; last error: ${response['functionError']}` : '';
  return {
    kind: 'stream-batch',
    consumerId,
    attempt: invocations,
    pointer: {
      streamArn: info['streamArn'] as string,
      shardId: info['shardId'] as string,
      startSequenceNumber: info['startSequenceNumber'] as string,
      endSequenceNumber: info['endSequenceNumber'] as string,
      batchSize: Number(info['batchSize'] ?? 1),
    },
    reason: {
      code: CONDITION_CODES[condition] ?? 'PROCESSING_GAVE_UP',
      message: `The stream processor gave up on the job (${condition}) after ${invocations} invocations${functionError}`,
    },
  };
}

const RUNNER_CONDITIONS: Record<string, { code: string; says: (invocations: number) => string }> = {
  RetriesExhausted: { code: 'RUN_RETRIES_EXHAUSTED', says: (n) => `The runner failed the run in all ${n} invocations` },
  EventAgeExceeded: {
    code: 'RUN_NOT_STARTED',
    says: () =>
      "The run waited in the runner's queue longer than its maximum event age: the runner's concurrency is too small for the backlog",
  },
};

/**
 * The runner's on-failure envelope (Lambda's destination, through the error topic): the order it gave up on,
 * recorded while that order's dispatch holds the entry or no live run does.
 */
function runnerSource(message: Json, naming: ConsumerNaming): FailureSource {
  const order = message['requestPayload'] as { jobId: string; consumerId: string; claimToken: string };
  if (!naming.consumers.includes(order.consumerId))
    return { kind: 'unrecognised', description: `a run order for a consumer that is not one here: ${order.consumerId}` };
  const request = isObject(message['requestContext']) ? message['requestContext'] : {};
  const response = isObject(message['responsePayload']) ? message['responsePayload'] : {};
  const invocations = Number(request['approximateInvokeCount'] ?? 0);
  const condition = RUNNER_CONDITIONS[String(request['condition'])] ?? {
    code: 'RUN_GAVE_UP',
    says: () => `The runner gave up on the run (${String(request['condition'])})`,
  };
  const lastError = isString(response['errorType'])
    ? `; last error: ${response['errorType']}: ${String(response['errorMessage'] ?? '')}`
    : '';
  return {
    kind: 'failure',
    attempt: invocations,
    failure: {
      jobId: order.jobId,
      consumerId: order.consumerId,
      reason: { code: condition.code, message: `${condition.says(invocations)}${lastError}`.slice(0, 1000) },
      origin: { kind: 'dispatch', claimToken: order.claimToken },
    },
  };
}
