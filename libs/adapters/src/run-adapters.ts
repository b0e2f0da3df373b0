import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type * as Lambda from '@aws-sdk/client-lambda';
import type * as Sns from '@aws-sdk/client-sns';
import { DynamoDbJobRepository } from './dynamodb-job-repository';
import { LambdaRunDispatcher } from './lambda-run-dispatcher';
import { sdkModule } from './lazy-client';
import type { OutagePatience } from './outage-patience';
import { PatientFailureNoticePublisher } from './patient-failure-notice-publisher';
import { PatientJobRepository } from './patient-job-repository';
import { sdkTimeouts } from './sdk-timeouts';
import { SnsFailureNoticePublisher } from './sns-failure-notice-publisher';

/**
 * What a run needs, wired alike in the stream processor and the runner: the store and the error topic, both riding
 * out an outage, and the runner to dispatch to. The topic's and the runner's clients are rare paths, loaded from
 * their own bundles at first use (`sdkModule`), so only a built bundle may call this.
 */
export function runAdapters(config: { tableName: string; errorTopicArn: string; runnerFunctionName: string }, patience: OutagePatience) {
  return {
    repository: new PatientJobRepository(
      new DynamoDbJobRepository(new DynamoDBClient(sdkTimeouts('background')), config.tableName),
      patience,
    ),
    publisher: new PatientFailureNoticePublisher(
      new SnsFailureNoticePublisher(async () => {
        const module = sdkModule<typeof Sns>('sdk-sns.js');
        return { module, client: new module.SNSClient(sdkTimeouts('background')) };
      }, config.errorTopicArn),
      patience,
    ),
    dispatcher: new LambdaRunDispatcher(async () => {
      const module = sdkModule<typeof Lambda>('sdk-lambda.js');
      return { module, client: new module.LambdaClient(sdkTimeouts('background')) };
    }, config.runnerFunctionName),
  };
}
