import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type * as Lambda from '@aws-sdk/client-lambda';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Sns from '@aws-sdk/client-sns';
import { DynamoDbJobRepository } from './dynamodb-job-repository';
import { LambdaRunDispatcher } from './lambda-run-dispatcher';
import { sdkModule } from './lazy-client';
import type { OutagePatience } from './outage-patience';
import { PatientFailureNoticePublisher } from './patient-failure-notice-publisher';
import { PatientJobRepository } from './patient-job-repository';
import { S3ResultStore, s3ClientOptions } from './s3-result-store';
import { sdkTimeouts } from './sdk-timeouts';
import { SnsFailureNoticePublisher } from './sns-failure-notice-publisher';

/**
 * What a run needs, wired alike in the stream processor and the runner: the store and the error topic, both riding
 * out an outage, the runner to dispatch to and the results bucket. The topic's, the runner's and S3's clients are rare
 * paths, loaded from their own bundles at first use (`sdkModule`), so only a built bundle may call this.
 */
export function runAdapters(
  config: { tableName: string; errorTopicArn: string; runnerFunctionName: string; resultsBucket: string },
  patience: OutagePatience,
) {
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
    results: new S3ResultStore(async () => {
      const module = sdkModule<typeof S3>('sdk-s3.js');
      return { module, client: new module.S3Client({ ...sdkTimeouts('transfer'), ...s3ClientOptions(process.env) }) };
    }, config.resultsBucket),
  };
}
