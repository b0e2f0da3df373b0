import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { cryptoIdGenerator, DynamoDbJobRepository, sdkTimeouts } from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import { loadJobSweeperConfig } from './job-sweeper-config';
import { createJobSweeperHandler } from './job-sweeper-handler';

let handle: ReturnType<typeof createJobSweeperHandler> | undefined;

/** Wires the handler on first use, so that a module load costs only the imports (cold start). */
function wire(): ReturnType<typeof createJobSweeperHandler> {
  const config = loadJobSweeperConfig(process.env);
  return createJobSweeperHandler({
    logger: createLogger({ service: 'job-sweeper', level: config.logLevel }),
    metrics: new Metrics({ service: 'job-sweeper' }),
    repository: new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('background')), config.tableName),
    clock: systemClock,
    ids: cryptoIdGenerator,
    consumers: config.consumers,
    deadlines: config.deadlines,
  });
}

export const handler = (event: unknown, context: Context) => (handle ??= wire())(event, context);
