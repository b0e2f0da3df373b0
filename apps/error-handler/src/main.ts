import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type * as Streams from '@aws-sdk/client-dynamodb-streams';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import {
  cryptoIdGenerator,
  DynamoDbJobRepository,
  DynamoDbStreamBatchReader,
  EventBridgeJobEventPublisher,
  EventBridgeUnrecordedFailurePublisher,
  outagePatience,
  outageWaitLog,
  PatientJobRepository,
  sdkModule,
  sdkTimeouts,
} from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadErrorHandlerConfig } from './error-handler-config';
import { createErrorHandler } from './error-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
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
    // Both serve rare paths (an on-failure record, a failure it cannot record): loaded at their first use.
    streamReader: new DynamoDbStreamBatchReader(async () => {
      const module = sdkModule<typeof Streams>('sdk-dynamodb-streams.js');
      return { module, client: new module.DynamoDBStreamsClient(sdkTimeouts('background')) };
    }),
    failedEvents: new EventBridgeUnrecordedFailurePublisher(async () => {
      const module = sdkModule<typeof EventBridge>('sdk-eventbridge.js');
      return { module, client: new module.EventBridgeClient(sdkTimeouts('background')) };
    }, config.failedEventsBusName),
    jobEvents: new EventBridgeJobEventPublisher(async () => {
      const module = sdkModule<typeof EventBridge>('sdk-eventbridge.js');
      return { module, client: new module.EventBridgeClient(sdkTimeouts('background')) };
    }, config.jobEventsBusName),
    naming: { environment: config.environment, consumers: config.consumers },
  });
}

export const handler = wiredOnFirstUse(wire);
