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
import { loadJobRunnerConfig } from './job-runner-config';
import { createJobRunnerHandler } from './job-runner-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createJobRunnerHandler> {
  const config = loadJobRunnerConfig(process.env);
  const logger = createLogger({ service: 'job-runner', level: config.logLevel });
  // An outage is ridden out in the invocation, as the processor does, while the lease is kept alive.
  const patience = outagePatience(config.outagePatienceSeconds * 1000, outageWaitLog(logger, {}));
  return createJobRunnerHandler({
    logger,
    metrics: new Metrics({ service: 'job-runner' }),
    consumers: config.consumers,
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
    dispatcher: new LambdaRunDispatcher(async () => {
      const module = sdkModule<typeof Lambda>('sdk-lambda.js');
      return { module, client: new module.LambdaClient(sdkTimeouts('background')) };
    }, config.dispatch.runnerFunctionName),
    dispatchLeaseMs: config.dispatch.dispatchLeaseMs,
    ids: cryptoIdGenerator,
    clock: systemClock,
    deadlines: config.deadlines,
  });
}

export const handler = wiredOnFirstUse(wire);
