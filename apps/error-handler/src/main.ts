import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import {
  cryptoIdGenerator,
  DynamoDbJobRepository,
  DynamoDbStreamBatchReader,
  EventBridgeFailedEventPublisher,
  outagePatience,
  outageWaitLog,
  PatientJobRepository,
  sdkTimeouts,
} from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import { loadErrorHandlerConfig } from './error-handler-config';
import { createErrorHandler } from './error-handler';

let handle: ReturnType<typeof createErrorHandler> | undefined;

/** Wires the handler on first use, so that a module load costs only the imports (cold start). */
function wire(): ReturnType<typeof createErrorHandler> {
  const config = loadErrorHandlerConfig(process.env);
  const logger = createLogger({ service: 'error-handler', level: config.logLevel });
  // A write whose answer was lost is retried in the same invocation, so its token recognises it.
  const patience = outagePatience(config.outagePatienceSeconds * 1000, outageWaitLog(logger));
  return createErrorHandler({
    logger,
    metrics: new Metrics({ service: 'error-handler' }),
    repository: new PatientJobRepository(
      new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('background')), config.tableName),
      patience,
    ),
    clock: systemClock,
    ids: cryptoIdGenerator,
    streamReader: new DynamoDbStreamBatchReader(new DynamoDBStreamsClient(sdkTimeouts('background'))),
    failedEvents: new EventBridgeFailedEventPublisher(new EventBridgeClient(sdkTimeouts('background')), config.failedEventsBusName),
    naming: { environment: config.environment, consumers: config.consumers },
  });
}

export const handler = (event: unknown, context: Context) => (handle ??= wire())(event, context);
