import type { Context } from 'aws-lambda';
import { jobFromStreamRecord, jobIdOfStreamRecord, type DynamoDbStreamBatchReader } from '@async-jobs/adapters';
import {
  failureReasonOf,
  jobEventsOf,
  recordFailure,
  type JobEventPublisher,
  type Clock,
  type UnrecordedFailurePublisher,
  type FailureToRecord,
  type IdGenerator,
  type JobRepository,
} from '@async-jobs/domain';
import {
  ANNOUNCED_JOBS_FILTER_PATTERN,
  announcingConsumer,
  lambdaInvocation,
  matchesAnyFilterPattern,
  matchesFilterPattern,
  type Invocation,
  JOB_RECORD_FILTER_PATTERNS,
  type Logger,
  type Metrics,
} from '@async-jobs/platform';
import { failureSourcesOf, type ConsumerNaming } from './failure-sources';

export interface ErrorHandlerDeps {
  logger: Logger;
  metrics: Metrics;
  repository: JobRepository;
  clock: Clock;
  ids: Pick<IdGenerator, 'newToken'>;
  streamReader: Pick<DynamoDbStreamBatchReader, 'readBatch'>;
  failedEvents: UnrecordedFailurePublisher;
  /** Where the announcements of a failed range of the announcing consumer's mapping go. */
  jobEvents: JobEventPublisher;
  naming: ConsumerNaming;
}

/** Raised after everything that could be done was done, so that Lambda's retries and on-failure destination take over. */
export class FailuresNotRecordedError extends Error {
  constructor(readonly problems: string[]) {
    super(`Not every failure could be recorded: ${problems.join('; ')}`);
    this.name = 'FailuresNotRecordedError';
  }
}

/**
 * Records failures on their jobs: the consumer's entry becomes FAILED with the reason, idempotently.
 * A failure it cannot record is put, self-contained, on the failed-events bus (archived for replay)
 * and the invocation then fails, so nothing is dropped silently.
 */
export function createErrorHandler(deps: ErrorHandlerDeps) {
  return lambdaInvocation(deps, (event: unknown, invocation, _context: Pick<Context, 'awsRequestId'>) =>
    handleEvent(deps, event, invocation),
  );
}

async function handleEvent(deps: ErrorHandlerDeps, event: unknown, invocation: Invocation): Promise<{ recorded: number }> {
  const { logger, metric } = invocation;
  const problems: string[] = [];
  let recorded = 0;

  const record = async (failure: FailureToRecord, attempt: number) => {
    const jobLogger = logger.child({ jobId: failure.jobId, consumerId: failure.consumerId });
    try {
      const outcome = await recordFailure(deps, failure);
      if (outcome.kind === 'recorded') {
        recorded += 1;
        jobLogger.info({ to: 'FAILED', reason: failure.reason, attempt }, 'failure recorded');
        metric('FailuresRecorded', { consumer: failure.consumerId }, { jobId: failure.jobId, consumerId: failure.consumerId });
      } else if (outcome.kind === 'already-recorded') {
        jobLogger.info({ reason: failure.reason }, 'failure already recorded: duplicate ignored');
      } else {
        // A newer attempt or a live run holds the entry and answers for it; the sweeper ends what nobody does.
        jobLogger.warn({ stop: outcome.reason, reason: failure.reason, origin: failure.origin.kind }, 'failure not recordable');
      }
    } catch (error) {
      jobLogger.error({ err: error, reason: failure.reason }, 'failure could not be recorded');
      problems.push(`${failure.jobId}/${failure.consumerId}: ${failureReasonOf(error).code}`);
      await keepForReplay(deps, jobLogger, failure, attempt, error, metric);
    }
  };

  for (const source of failureSourcesOf(event, deps.naming)) {
    if (source.kind === 'failure') {
      await record(source.failure, source.attempt);
    } else if (source.kind === 'stream-batch') {
      // Throws when the records are gone or unreachable: the whole event is then retried and,
      // finally, archived with its pointer through the on-failure destination.
      const records = await deps.streamReader.readBatch(source.pointer);
      // The range holds every record of the table (idempotency keys, updates): only new or retried jobs were in the batch.
      const jobIds = records
        .filter((r) => matchesAnyFilterPattern(r, JOB_RECORD_FILTER_PATTERNS))
        .map((r) => jobIdOfStreamRecord(r))
        .filter((id): id is string => id !== undefined);
      // More jobs in the range than in the batch: with a parallelization factor above 1, concurrent
      // batches of other keys interleave in the shard, and only an entry that shows an attempt is known to be this batch's.
      const shared = jobIds.length > source.pointer.batchSize;
      if (shared)
        logger.warn(
          { jobsInRange: jobIds.length, batchSize: source.pointer.batchSize },
          'failed batch shares its stream range: recording only entries with an attempt',
        );
      // The announcing consumer's mapping also carried the writes that ended entries: their events are published here.
      if (source.consumerId === announcingConsumer(deps.naming)) {
        for (const announcement of records.filter((r) => matchesFilterPattern(r, ANNOUNCED_JOBS_FILTER_PATTERN))) {
          const jobId = jobIdOfStreamRecord(announcement);
          try {
            const events = jobEventsOf(jobFromStreamRecord(announcement));
            await deps.jobEvents.publish(events);
            logger.info({ jobId, events: events.map((e) => e.detail.eventId) }, 'job events of a failed range published');
            for (const e of events) metric('JobEventsPublished', { detailType: e.detailType }, { jobId: e.detail.jobId });
          } catch (error) {
            logger.error({ jobId, err: error }, 'job events of a failed range not published');
            metric('JobEventsNotPublished', {});
            problems.push(`${jobId}: job events not published: ${failureReasonOf(error).code}`);
          }
        }
      }
      for (const jobId of jobIds) {
        await record(
          { jobId, consumerId: source.consumerId, reason: source.reason, origin: { kind: 'delivery', evidenceRequired: shared } },
          source.attempt,
        );
      }
    } else {
      logger.error({ description: source.description }, 'unrecognised failure message');
      metric('FailureMessagesUnrecognised', {});
      problems.push(`unrecognised: ${source.description}`);
    }
  }
  if (problems.length) throw new FailuresNotRecordedError(problems);
  return { recorded };
}

async function keepForReplay(
  deps: ErrorHandlerDeps,
  logger: Logger,
  failure: FailureToRecord,
  attempt: number,
  error: unknown,
  metric: Invocation['metric'],
): Promise<void> {
  const cause = failureReasonOf(error);
  try {
    await deps.failedEvents.publishUnrecordedFailure({
      kind: 'JobFailureUnrecorded',
      ...failure,
      attempt,
      cause: `${cause.code}: ${cause.message}`,
      occurredAt: deps.clock.now().toISOString(),
    });
    logger.warn({ cause: cause.code }, 'failure kept on the failed-events bus for replay');
    metric('FailuresArchived', { consumer: failure.consumerId }, { jobId: failure.jobId, consumerId: failure.consumerId });
  } catch (busError) {
    // The invocation fails next; Lambda's on-failure destination is the last resort.
    logger.error({ err: busError }, 'failure could not be put on the failed-events bus');
  }
}
