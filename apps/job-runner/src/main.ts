import { cryptoIdGenerator, outagePatience, outageWaitLog, runAdapters } from '@async-jobs/adapters';
import { leasePolicy, systemClock } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadJobRunnerConfig } from './job-runner-config';
import { createJobRunnerHandler } from './job-runner-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createJobRunnerHandler> {
  const config = loadJobRunnerConfig(process.env);
  const logger = createLogger({ service: 'job-runner', level: config.logLevel });
  // An outage is ridden out in the invocation, as the processor does, while the lease is kept alive.
  const patience = outagePatience(config.outagePatienceSeconds * 1000, outageWaitLog(logger, {}));
  const { repository, publisher, dispatcher, results } = runAdapters({ ...config, ...config.dispatch }, patience);
  return createJobRunnerHandler({
    logger,
    metrics: new Metrics({ service: 'job-runner' }),
    consumers: config.consumers,
    lease: leasePolicy(config.leaseSeconds * 1000),
    repository,
    registry: jobCatalog({ sleepMaxSeconds: config.sleepMaxSeconds }),
    publisher,
    results,
    dispatcher,
    dispatchLeaseMs: config.dispatch.dispatchLeaseMs,
    ids: cryptoIdGenerator,
    clock: systemClock,
    deadlines: config.deadlines,
  });
}

export const handler = wiredOnFirstUse(wire);
