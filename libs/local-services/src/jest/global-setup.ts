import { startDynamoDbLocal } from '../dynamodb-local';
import type { RunningService } from '../running-service';
import { startMotoServer } from '../moto-server';

declare global {
  var __asyncJobsTestServices: RunningService[] | undefined;
}

/**
 * Jest global setup for suites that talk to real local AWS parts: DynamoDB Local and moto_server
 * on free ports. The SDK reads the endpoints from AWS_ENDPOINT_URL_* (no test-only code paths in
 * the apps), and the workers inherit these variables.
 */
export default async function globalSetup(): Promise<void> {
  const [dynamodb, moto] = await Promise.all([startDynamoDbLocal(), startMotoServer()]);
  globalThis.__asyncJobsTestServices = [dynamodb, moto];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SNS: moto.endpoint,
    AWS_ENDPOINT_URL_SQS: moto.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: moto.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: moto.endpoint,
    AWS_ENDPOINT_URL_IAM: moto.endpoint,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    MOTO_ENDPOINT: moto.endpoint,
    // The SDK warns on Node 20 that its 2027 releases need Node 22 (Lambda runs 22): noise in test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}
