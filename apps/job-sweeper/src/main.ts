import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  cryptoIdGenerator,
  DynamoDbJobRepository,
  outagePatience,
  outageWaitLog,
  PatientJobRepository,
  sdkTimeouts,
} from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadJobSweeperConfig } from './job-sweeper-config';
import { createJobSweeperHandler } from './job-sweeper-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createJobSweeperHandler> {
  const config = loadJobSweeperConfig(process.env);
  const logger = createLogger({ service: 'job-sweeper', level: config.logLevel });
  // A write whose answer was lost is retried in the same sweep, so its token recognises it.
  const patience = outagePatience(config.outagePatienceSeconds * 1000, outageWaitLog(logger));
  return createJobSweeperHandler({
    logger,
    metrics: new Metrics({ service: 'job-sweeper' }),
    repository: new PatientJobRepository(
      new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('background')), config.tableName),
      patience,
    ),
    clock: systemClock,
    ids: cryptoIdGenerator,
    consumers: config.consumers,
    deadlines: config.deadlines,
  });
}

export const handler = wiredOnFirstUse(wire);
