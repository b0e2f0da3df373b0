import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { cryptoIdGenerator, DynamoDbJobRepository, SnsFailurePublisher } from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import { createLogger } from '@async-jobs/platform';
import { loadStreamProcessorConfig } from './stream-processor-config';
import { createStreamProcessorHandler } from './stream-processor-handler';

let handle: ReturnType<typeof createStreamProcessorHandler> | undefined;

/** Wires the handler on first use, so that a module load costs only the imports (cold start). */
function wire(): ReturnType<typeof createStreamProcessorHandler> {
  const config = loadStreamProcessorConfig(process.env);
  return createStreamProcessorHandler({
    logger: createLogger({ service: 'stream-processor', level: config.logLevel }),
    consumerId: config.consumerId,
    leaseMarginMs: config.leaseMarginSeconds * 1000,
    repository: new DynamoDbJobRepository(new DynamoDBClient({}), config.tableName),
    registry: jobCatalog({ sleepMaxSeconds: config.sleepMaxSeconds }),
    publisher: new SnsFailurePublisher(new SNSClient({}), config.errorTopicArn),
    ids: cryptoIdGenerator,
    clock: systemClock,
  });
}

export const handler = (event: DynamoDBStreamEvent, context: Context) => (handle ??= wire())(event, context);
