import { Construct } from 'constructs';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { consumerFunctionName, streamFilterPatterns, streamProcessorEnvironment, type DeploymentSettings } from '@async-jobs/platform';
import { JobsFunction } from './jobs-function';

/**
 * One consumer: the stream processor deployed under its own name and consumer id, and its event
 * source mapping on the table's stream with every setting explicit.
 */
export class StreamConsumer extends Construct {
  readonly function: JobsFunction;
  readonly mapping: LambdaEventSourceMapping;

  constructor(
    scope: Construct,
    id: string,
    props: {
      consumerId: string;
      settings: DeploymentSettings;
      /** Derived from the job catalog's longest run limit (`streamProcessorTimeoutSeconds`). */
      timeoutSeconds: number;
      bundleDir: string;
      table: DynamodbTable;
      errorTopic: SnsTopic;
      /** The runner, which it dispatches long runs to. */
      runnerArn: string;
      accountId: string;
      /** Only the announcing consumer's: its mapping carries the writes that end entries, and it publishes their events here. */
      jobEventsBusArn?: string;
      /** The results bucket's objects (its results prefix). */
      resultObjectsArn: string;
      key: KmsKey;
      emulated?: boolean;
    },
  ) {
    super(scope, id);
    const { settings, table, errorTopic, key } = props;
    const streamArn = `${table.arn}/stream/*`;
    this.function = new JobsFunction(this, 'processor', {
      name: consumerFunctionName(settings.environment, props.consumerId),
      bundleDir: props.bundleDir,
      settings: { ...settings.functions.streamProcessor, timeoutSeconds: props.timeoutSeconds },
      environment: streamProcessorEnvironment(settings, props.consumerId, errorTopic.arn, props.accountId),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated: props.emulated,
      grants: [
        { sid: 'ClaimAndCompleteJobs', actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [table.arn] },
        {
          sid: 'ReadTheJobsStream',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
          resources: [streamArn],
        },
        // Both the processor's own failure notices and the mapping's on-failure records (sent with this role).
        { sid: 'PublishFailures', actions: ['sns:Publish'], resources: [errorTopic.arn] },
        // A result too large for the job item: one object per run under the results prefix, never read back.
        { sid: 'StoreLargeResults', actions: ['s3:PutObject'], resources: [props.resultObjectsArn] },
        { sid: 'DispatchRunsToTheRunner', actions: ['lambda:InvokeFunction'], resources: [props.runnerArn] },
        ...(props.jobEventsBusArn ? [{ sid: 'PublishJobEvents', actions: ['events:PutEvents'], resources: [props.jobEventsBusArn] }] : []),
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
      ],
    });
    const s = settings.stream;
    this.mapping = new LambdaEventSourceMapping(this, 'mapping', {
      eventSourceArn: table.streamArn,
      functionName: this.function.fn.arn,
      startingPosition: 'TRIM_HORIZON',
      filterCriteria: {
        filter: streamFilterPatterns(props.jobEventsBusArn !== undefined).map((pattern) => ({ pattern: JSON.stringify(pattern) })),
      },
      batchSize: s.batchSize,
      maximumBatchingWindowInSeconds: s.maximumBatchingWindowSeconds,
      parallelizationFactor: s.parallelizationFactor,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: s.bisectBatchOnFunctionError,
      maximumRetryAttempts: s.maximumRetryAttempts,
      maximumRecordAgeInSeconds: s.maximumRecordAgeSeconds,
      destinationConfig: { onFailure: { destinationArn: errorTopic.arn } },
    });
  }
}
