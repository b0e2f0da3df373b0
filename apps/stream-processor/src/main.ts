import type * as EventBridge from '@aws-sdk/client-eventbridge';
import {
  cryptoIdGenerator,
  EventBridgeJobEventPublisher,
  outagePatience,
  outageWaitLog,
  runAdapters,
  sdkModule,
  sdkTimeouts,
} from '@async-jobs/adapters';
import { leasePolicy, systemClock } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadStreamProcessorConfig } from './stream-processor-config';
import { createStreamProcessorHandler } from './stream-processor-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createStreamProcessorHandler> {
  const config = loadStreamProcessorConfig(process.env);
  const logger = createLogger({ service: 'stream-processor', level: config.logLevel });
  // An outage is ridden out in the invocation, and every wait is logged with the job it holds up.
  const patience = outagePatience(config.outagePatienceSeconds * 1000, outageWaitLog(logger, { consumerId: config.consumerId }));
  const { repository, publisher, dispatcher, results } = runAdapters({ ...config, ...config.dispatch }, patience);
  return createStreamProcessorHandler({
    logger,
    metrics: new Metrics({ service: 'stream-processor' }),
    consumerId: config.consumerId,
    lease: leasePolicy(config.leaseSeconds * 1000),
    repository,
    registry: jobCatalog({ sleepMaxSeconds: config.sleepMaxSeconds }),
    publisher,
    results,
    ids: cryptoIdGenerator,
    clock: systemClock,
    deadlines: config.deadlines,
    dispatch: { dispatcher, leaseMs: config.dispatch.dispatchLeaseMs },
    ...(config.jobEventsBusName
      ? {
          jobEvents: new EventBridgeJobEventPublisher(async () => {
            const module = sdkModule<typeof EventBridge>('sdk-eventbridge.js');
            return { module, client: new module.EventBridgeClient(sdkTimeouts('background')) };
          }, config.jobEventsBusName),
        }
      : {}),
  });
}

export const handler = wiredOnFirstUse(wire);
