import type { Context } from 'aws-lambda';
import {
  failureReasonOf,
  isRunOrder,
  runDispatchedJob,
  type LeasePolicy,
  type ProcessOutcome,
  type RunDispatchedJobDeps,
} from '@async-jobs/domain';
import { inJobStory, lambdaInvocation, type Invocation, type Logger, type Metrics } from '@async-jobs/platform';

export interface JobRunnerDeps extends RunDispatchedJobDeps {
  logger: Logger;
  metrics: Metrics;
  consumers: readonly string[];
  lease: LeasePolicy;
}

/** Refused before anything is written: not an order this deployment's processors send. Lambda's retries then its destination keep it. */
export class NotARunOrderError extends Error {
  override readonly name = 'NotARunOrderError';
}

/**
 * The runner: one invocation per dispatched run, asynchronous, bounded by the function's reserved
 * concurrency. It adopts the run's claim, runs the job and records the outcome; an error it throws
 * (the store away beyond its patience, a retry it could not dispatch) makes Lambda retry the order, and
 * an order that fails every retry goes to the error topic through the on-failure destination.
 */
export function createJobRunnerHandler(deps: JobRunnerDeps) {
  return lambdaInvocation(
    { logger: deps.logger, metrics: deps.metrics },
    (event: unknown, invocation, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) =>
      run(deps, event, invocation, context),
  );
}

async function run(
  deps: JobRunnerDeps,
  event: unknown,
  { logger: invocationLogger, metric }: Invocation,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  if (!isRunOrder(event) || !deps.consumers.includes(event.consumerId)) {
    invocationLogger.error({ event: describe(event) }, 'not a run order of this deployment: refused');
    throw new NotARunOrderError('The event is not a run order for a consumer of this deployment');
  }
  const order = event;
  const ids = { jobId: order.jobId, consumerId: order.consumerId };
  const logger = invocationLogger.child({ ...ids, jobType: order.job.type });
  // Leave a second to answer in: a takeover's wait must not run into the timeout.
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 1000;
  try {
    // Wired once for every consumer, the patient store and topic learn the consumer from the job's story.
    const outcome = await inJobStory({ consumerId: order.consumerId }, () =>
      runDispatchedJob(deps, {
        order,
        lease: deps.lease,
        deadline,
        onClaimed: ({ attempt, adopted }) => {
          const waitedMs = Math.max(0, deps.clock.now().getTime() - Date.parse(order.dispatchedAt));
          if (!adopted)
            return logger.info({ from: 'RUNNING', to: 'RUNNING', attempt }, 'run taken over: the previous runner stopped renewing');
          logger.info({ attempt, waitedMs }, 'run adopted');
          metric('RunStartDelay', { consumer: order.consumerId }, { ...ids, value: waitedMs });
        },
        onRenewalError: (error) => logger.warn({ reason: failureReasonOf(error) }, 'lease renewal failed: will try again at the next beat'),
      }),
    );
    report(logger, outcome);
    metric(OUTCOME_METRICS[outcome.kind], { consumer: order.consumerId, jobType: order.job.type }, ids);
  } catch (error) {
    logger.error({ err: error, reason: failureReasonOf(error) }, 'run failed: Lambda retries the order');
    throw error;
  }
}

const OUTCOME_METRICS = {
  succeeded: 'JobsSucceeded',
  failed: 'JobsFailed',
  retry: 'JobsRetry',
  skipped: 'JobsSkipped',
  dispatched: 'RunsDispatched',
} as const satisfies Record<ProcessOutcome['kind'], string>;

function report(logger: Logger, outcome: ProcessOutcome): void {
  if (outcome.kind === 'succeeded') logger.info({ from: 'RUNNING', to: 'SUCCEEDED', attempt: outcome.attempt }, 'job succeeded');
  else if (outcome.kind === 'failed')
    logger.warn({ from: 'RUNNING', to: 'FAILED', attempt: outcome.attempt, reason: outcome.reason }, 'job failed: sent to the error topic');
  else if (outcome.kind === 'retry')
    logger.warn({ attempt: outcome.attempt, reason: outcome.reason }, 'run failed: the next attempt is dispatched');
  else if (outcome.kind === 'skipped' && outcome.stage === 'run')
    logger.warn({ reason: outcome.reason }, 'run lost its claim: result discarded');
  else if (outcome.kind === 'skipped') logger.info({ stage: outcome.stage, reason: outcome.reason }, 'order skipped');
}

function describe(event: unknown): string {
  return JSON.stringify(event)?.slice(0, 200) ?? String(event);
}
