import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverWebhook, type DeliverWebhookDeps, type JobEventDetail } from '@async-jobs/domain';
import { lambdaInvocation, type Invocation, type Logger, type Metrics } from '@async-jobs/platform';

export interface WebhookSenderDeps extends DeliverWebhookDeps {
  logger: Logger;
  metrics: Metrics;
  /** Hands a message back to the queue after a delay: its next attempt. */
  retries: { retryAfter(receiptHandle: string, delaySeconds: number): Promise<void> };
}

/**
 * The webhook queue's handler (the job-events bus's rule puts every finished job that asked to be notified there):
 * one delivery attempt per message. A delivered or given-up message is acknowledged; one to try again gets its
 * backoff as its visibility and is reported as a batch item failure, so the queue hands it back then.
 */
export function createWebhookSenderHandler(deps: WebhookSenderDeps) {
  return lambdaInvocation(deps, async (event: SQSEvent, invocation, _context: Pick<Context, 'awsRequestId'>): Promise<SQSBatchResponse> => {
    const failures = await Promise.all(event.Records.map((record) => send(deps, invocation, record)));
    return { batchItemFailures: failures.filter((id): id is string => id !== undefined).map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

async function send(deps: WebhookSenderDeps, { logger: batchLogger, metric }: Invocation, record: SQSRecord): Promise<string | undefined> {
  let detail: JobEventDetail;
  try {
    detail = (JSON.parse(record.body) as { detail: JobEventDetail }).detail;
    if (typeof detail?.jobId !== 'string' || typeof detail.eventId !== 'string') throw new Error('no job event detail');
  } catch (error) {
    batchLogger.error({ err: error, messageId: record.messageId }, 'webhook message unreadable: dropped');
    metric('WebhooksGivenUp', {});
    return undefined;
  }
  const logger = batchLogger.child({ jobId: detail.jobId, eventId: detail.eventId });
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const outcome = await deliverWebhook(deps, detail, attempt);
    switch (outcome.kind) {
      case 'delivered':
        logger.info({ status: outcome.status, attempt }, 'webhook delivered');
        metric('WebhooksDelivered', {}, { jobId: detail.jobId });
        return undefined;
      case 'gave-up':
        logger.error({ reason: outcome.reason, attempt }, 'webhook given up');
        metric('WebhooksGivenUp', {}, { jobId: detail.jobId });
        return undefined;
      case 'retry':
        logger.warn({ reason: outcome.reason, attempt, retryInSeconds: outcome.delaySeconds }, 'webhook attempt failed: tried again later');
        metric('WebhookAttemptsFailed', {}, { jobId: detail.jobId });
        await deps.retries.retryAfter(record.receiptHandle, outcome.delaySeconds);
        return record.messageId;
    }
  } catch (error) {
    // The secret or the queue could not be reached: the queue's own visibility timeout brings the message back.
    logger.error({ err: error, attempt }, 'webhook attempt could not be made: tried again later');
    metric('WebhookAttemptsFailed', {}, { jobId: detail.jobId });
    return record.messageId;
  }
}
