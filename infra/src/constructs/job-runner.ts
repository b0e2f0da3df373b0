import { Construct } from 'constructs';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { jobRunnerEnvironment, resourceNames, type DeploymentSettings } from '@async-jobs/platform';
import { JobsFunction } from './jobs-function';

/**
 * The runner: runs dispatched off the stream, one asynchronous invocation each. Its reserved concurrency
 * is the environment's ceiling on such runs at once (orders beyond it wait in Lambda's queue); Lambda
 * retries a failed invocation, then sends the order to the error topic, the on-failure destination.
 */
export class JobRunner extends Construct {
  readonly function: JobsFunction;
  readonly invokeConfig: LambdaFunctionEventInvokeConfig;
  /** Its ARN as a plain string, for grants: the processors and the runner itself invoke it. */
  readonly arn: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploymentSettings;
      /** Derived from the job catalog's longest run limit, as the processor's. */
      timeoutSeconds: number;
      bundleDir: string;
      table: DynamodbTable;
      errorTopic: SnsTopic;
      /** The results bucket's objects (its results prefix). */
      resultObjectsArn: string;
      key: KmsKey;
      region: string;
      accountId: string;
      partition: string;
      emulated?: boolean;
    },
  ) {
    super(scope, id);
    const { settings, table, errorTopic, key } = props;
    const name = resourceNames(settings.environment).runnerFunction;
    this.arn = `arn:${props.partition}:lambda:${props.region}:${props.accountId}:function:${name}`;
    this.function = new JobsFunction(this, 'runner', {
      name,
      bundleDir: props.bundleDir,
      settings: {
        memoryMb: settings.runner.memoryMb,
        timeoutSeconds: props.timeoutSeconds,
        reservedConcurrency: settings.runner.reservedConcurrency,
      },
      environment: jobRunnerEnvironment(settings, errorTopic.arn, props.accountId),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated: props.emulated,
      grants: [
        // Adopt, renew, complete, release: conditional updates; no read (the order carries the job).
        { sid: 'AdoptAndCompleteRuns', actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [table.arn] },
        // Its failure notices, and Lambda's on-failure destination (sent with this role).
        { sid: 'PublishFailures', actions: ['sns:Publish'], resources: [errorTopic.arn] },
        // A result too large for the job item: one object per run under the results prefix, never read back.
        { sid: 'StoreLargeResults', actions: ['s3:PutObject'], resources: [props.resultObjectsArn] },
        // A retry is the next attempt's order, sent to itself.
        { sid: 'DispatchTheNextAttempt', actions: ['lambda:InvokeFunction'], resources: [this.arn] },
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
      ],
    });
    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.fn.functionName,
      maximumRetryAttempts: settings.runner.maximumRetryAttempts,
      maximumEventAgeInSeconds: settings.runner.maximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: errorTopic.arn } },
    });
  }
}
