import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type * as Lambda from '@aws-sdk/client-lambda';
import type * as Sns from '@aws-sdk/client-sns';
import {
  cryptoIdGenerator,
  DynamoDbJobRepository,
  LambdaRunDispatcher,
  outagePatience,
  outageWaitLog,
  PatientFailureNoticePublisher,
  PatientJobRepository,
  sdkModule,
  sdkTimeouts,
  SnsFailureNoticePublisher,
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
  return createStreamProcessorHandler({
    logger,
    metrics: new Metrics({ service: 'stream-processor' }),
    consumerId: config.consumerId,
    lease: leasePolicy(config.leaseSeconds * 1000),
    repository: new PatientJobRepository(
      new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('background')), config.tableName),
      patience,
    ),
    registry: jobCatalog({ sleepMaxSeconds: config.sleepMaxSeconds }),
    publisher: new PatientFailureNoticePublisher(
      // A permanent failure is the rare path: the topic's client is loaded at the first.
      new SnsFailureNoticePublisher(async () => {
        const module = sdkModule<typeof Sns>('sdk-sns.js');
        return { module, client: new module.SNSClient(sdkTimeouts('background')) };
      }, config.errorTopicArn),
      patience,
    ),
    ids: cryptoIdGenerator,
    clock: systemClock,
    deadlines: config.deadlines,
    dispatch: {
      dispatcher: new LambdaRunDispatcher(async () => {
        const module = sdkModule<typeof Lambda>('sdk-lambda.js');
        return { module, client: new module.LambdaClient(sdkTimeouts('background')) };
      }, config.dispatch.runnerFunctionName),
      leaseMs: config.dispatch.dispatchLeaseMs,
    },
  });
}

export const handler = wiredOnFirstUse(wire);
