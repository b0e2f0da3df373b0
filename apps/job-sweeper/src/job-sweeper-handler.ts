import type { Context } from 'aws-lambda';
import { sweepStalledEntries, type DeadlinePolicy, type SweepDeps, type SweepOutcome } from '@async-jobs/domain';
import { lambdaInvocation, type Invocation, type Logger, type Metrics } from '@async-jobs/platform';

export interface JobSweeperDeps extends SweepDeps {
  logger: Logger;
  metrics: Metrics;
  consumers: readonly string[];
  deadlines: DeadlinePolicy;
}

/** Raised after a sweep in which some entries could not be written: the next sweep looks at them again. */
export class SweepIncompleteError extends Error {
  constructor(readonly entries: number) {
    super(`${entries} overdue entries could not be swept; the next sweep looks at them again`);
    this.name = 'SweepIncompleteError';
  }
}

/** Time kept back to answer the schedule: the sweep stops taking new pages this long before the deadline. */
const ANSWER_MARGIN_MS = 5000;

/**
 * The scheduled sweep (an EventBridge schedule in AWS, a timer locally): ends the entries nothing
 * else will finish, each with a line of its job's story and a metric an alarm watches. The event
 * carries nothing it needs.
 */
export function createJobSweeperHandler(deps: JobSweeperDeps) {
  return lambdaInvocation(deps, (_event: unknown, invocation, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) =>
    sweep(deps, invocation, context),
  );
}

async function sweep(
  deps: JobSweeperDeps,
  { logger, metric }: Invocation,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<{ ended: number; postponed: number }> {
  const until = Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  const report = (outcome: SweepOutcome) => {
    const jobLogger = logger.child({ jobId: outcome.jobId, consumerId: outcome.consumerId });
    switch (outcome.kind) {
      case 'ended':
        jobLogger.warn({ to: 'FAILED', stall: outcome.stall, reason: outcome.reason }, 'stalled entry ended');
        metric(
          'EntriesStalled',
          { consumer: outcome.consumerId, code: outcome.stall },
          { jobId: outcome.jobId, consumerId: outcome.consumerId },
        );
        return;
      case 'postponed':
        jobLogger.debug({ until: new Date(outcome.until).toISOString() }, 'entry still alive: looked at again later');
        return;
      case 'cleaned':
        jobLogger.debug('finished entry left in the sweep index: dropped');
        return;
      case 'skipped':
        jobLogger.debug({ stop: outcome.reason }, 'entry not due after all');
        return;
      case 'failed':
        jobLogger.error({ reason: outcome.reason }, 'entry could not be swept: looked at again at the next sweep if still overdue');
        return;
    }
  };
  const outcomes = await sweepStalledEntries(deps, { consumers: deps.consumers, policy: deps.deadlines, until, onOutcome: report });
  const ended = outcomes.filter((o) => o.kind === 'ended').length;
  const postponed = outcomes.filter((o) => o.kind === 'postponed').length;
  const failed = outcomes.filter((o) => o.kind === 'failed').length;
  if (outcomes.length) logger.info({ ended, postponed, failed, looked: outcomes.length }, 'sweep done');
  // Failing the invocation raises the function's Errors metric, which the job-sweeper-errors alarm watches.
  if (failed) throw new SweepIncompleteError(failed);
  return { ended, postponed };
}
