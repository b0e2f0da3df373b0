import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { jobFromStreamRecord, jobIdOfStreamRecord } from '@async-jobs/adapters';
import {
  CorruptJobError,
  failureReasonOf,
  jobEventsOf,
  processJob,
  type JobEventPublisher,
  type LeasePolicy,
  type ProcessJobDeps,
  type ProcessOutcome,
} from '@async-jobs/domain';
import {
  ANNOUNCED_JOBS_FILTER_PATTERN,
  JOB_RECORD_FILTER_PATTERNS,
  lambdaInvocation,
  matchesFilterPattern,
  matchesAnyFilterPattern,
  type Invocation,
  type Logger,
  type MetricName,
  type Metrics,
} from '@async-jobs/platform';

export interface StreamProcessorDeps extends ProcessJobDeps {
  logger: Logger;
  metrics: Metrics;
  consumerId: string;
  lease: LeasePolicy;
  /** Only the announcing consumer's: where the job events its mapping's announcements become go. */
  jobEvents?: JobEventPublisher;
}

/**
 * One consumer's DynamoDB Streams batch handler. Records run concurrently (each is a different
 * job); a record to retry is reported in `batchItemFailures` (ReportBatchItemFailures), so the
 * mapping retries from it while the rest of the batch is checkpointed.
 */
export function createStreamProcessorHandler(deps: StreamProcessorDeps) {
  return lambdaInvocation(
    { logger: deps.logger, metrics: deps.metrics, fields: { consumerId: deps.consumerId } },
    (event: DynamoDBStreamEvent, invocation, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) =>
      handleBatch(deps, event, invocation, context),
  );
}

async function handleBatch(
  deps: StreamProcessorDeps,
  event: DynamoDBStreamEvent,
  invocation: Invocation,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DynamoDBBatchResponse> {
  // Leave a second to answer the mapping in: a claim wait must not run into the timeout.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 1000;
  const failures = await Promise.all(event.Records.map((record) => handleRecord(deps, invocation, record, deadline)));
  const batchItemFailures = failures.filter((id): id is string => id !== undefined).map((itemIdentifier) => ({ itemIdentifier }));
  if (batchItemFailures.length)
    invocation.logger.warn({ failed: batchItemFailures.length, batchSize: event.Records.length }, 'batch has records to retry');
  return { batchItemFailures };
}

const OUTCOME_METRICS = {
  succeeded: 'JobsSucceeded',
  failed: 'JobsFailed',
  retry: 'JobsRetry',
  skipped: 'JobsSkipped',
  dispatched: 'RunsDispatched',
} as const satisfies Record<ProcessOutcome['kind'], MetricName>;

/** Handles one record; returns its sequence number when the mapping must deliver it again. */
async function handleRecord(
  deps: StreamProcessorDeps,
  { logger: batchLogger, metric }: Invocation,
  record: DynamoDBRecord,
  deadline: number,
): Promise<string | undefined> {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  const jobId = jobIdOfStreamRecord(record);
  let logger = batchLogger.child({ jobId });
  if (deps.jobEvents && matchesFilterPattern(record, ANNOUNCED_JOBS_FILTER_PATTERN))
    return announce(deps.jobEvents, { logger, metric }, record);
  // What the mapping's filter lets through: a new job, or a caller's retry of one (its new image is the job to claim).
  if (!matchesAnyFilterPattern(record, JOB_RECORD_FILTER_PATTERNS)) {
    logger.debug({ eventName: record.eventName }, 'record skipped: not a new or retried job');
    return undefined;
  }
  try {
    const job = jobFromStreamRecord(record);
    logger = logger.child({ jobType: job.type });
    const outcome = await processJob(deps, {
      job,
      consumerId: deps.consumerId,
      lease: deps.lease,
      deadline,
      onClaimed: ({ attempt }) => logger.info({ from: 'PENDING', to: 'RUNNING', attempt }, 'job claimed'),
      onRenewalError: (error) => logger.warn({ reason: failureReasonOf(error) }, 'lease renewal failed: will try again at the next beat'),
    });
    logOutcome(logger, outcome);
    metric(OUTCOME_METRICS[outcome.kind], { consumer: deps.consumerId, jobType: job.type }, { jobId: job.id, consumerId: deps.consumerId });
    return outcome.kind === 'retry' ? sequenceNumber : undefined;
  } catch (error) {
    if (error instanceof CorruptJobError) {
      // Not a job this code wrote: retrying cannot fix it, so it is reported loudly and skipped.
      logger.error({ err: error, sequenceNumber }, 'record unreadable: skipped');
      metric('RecordsUnreadable', { consumer: deps.consumerId }, { jobId, consumerId: deps.consumerId });
      return undefined;
    }
    logger.error({ err: error, reason: failureReasonOf(error) }, 'record failed: will be retried');
    metric('RecordsRetried', { consumer: deps.consumerId }, { jobId, consumerId: deps.consumerId });
    return sequenceNumber;
  }
}

/**
 * A write that ended entries, as the announcing consumer's mapping delivers it: its job events go to the job-events
 * bus. A refusal hands the record back to the mapping (delivered again, then to the on-failure destination, from
 * which the error handler publishes them): at least once, each event with its stable id.
 */
async function announce(
  publisher: JobEventPublisher,
  { logger, metric }: Pick<Invocation, 'logger' | 'metric'>,
  record: DynamoDBRecord,
): Promise<string | undefined> {
  try {
    const events = jobEventsOf(jobFromStreamRecord(record));
    await publisher.publish(events);
    for (const event of events) {
      logger.info({ detailType: event.detailType, eventId: event.detail.eventId, status: event.detail.status }, 'job event published');
      metric('JobEventsPublished', { detailType: event.detailType }, { jobId: event.detail.jobId });
    }
    return undefined;
  } catch (error) {
    if (error instanceof CorruptJobError) {
      logger.error({ err: error }, 'announcement unreadable: skipped');
      return undefined;
    }
    logger.error({ err: error, reason: failureReasonOf(error) }, 'job events not published: the record will be delivered again');
    metric('JobEventsNotPublished', {});
    return record.dynamodb?.SequenceNumber;
  }
}

function logOutcome(logger: Logger, outcome: ProcessOutcome): void {
  switch (outcome.kind) {
    case 'succeeded':
      logger.info({ from: 'RUNNING', to: 'SUCCEEDED', attempt: outcome.attempt }, 'job succeeded');
      return;
    case 'failed':
      logger.warn(
        { from: 'RUNNING', to: 'FAILED', attempt: outcome.attempt, reason: outcome.reason },
        'job failed: sent to the error topic',
      );
      return;
    case 'retry':
      logger.warn({ attempt: outcome.attempt, reason: outcome.reason }, 'job will be retried');
      return;
    case 'dispatched':
      logger.info(
        { attempt: outcome.attempt, ...(outcome.again ? { again: true } : {}) },
        outcome.again ? 'run order sent again: no runner adopted the claim yet' : 'job dispatched to the runner',
      );
      return;
    case 'skipped':
      if (outcome.stage === 'run') {
        logger.warn({ reason: outcome.reason }, 'run lost its claim: result discarded');
        return;
      }
      logger.info({ stage: outcome.stage, reason: outcome.reason }, 'delivery skipped');
      return;
  }
}
