import { Construct } from 'constructs';
import { CloudwatchEventArchive } from '@cdktf/provider-aws/lib/cloudwatch-event-archive';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { errorHandlerEnvironment, REPLAYED_EVENTS_PATTERN, resourceNames, type DeploymentSettings } from '@async-jobs/platform';
import { JobsFunction } from './jobs-function';

/**
 * Everything between a failure and its record: the encrypted error topic, the error handler
 * subscribed to it, the handler's asynchronous retries with the failed-events bus as on-failure
 * destination, the bus's archive, and the rule that sends replayed events back to the handler.
 */
export class ErrorHandling extends Construct {
  readonly topic: SnsTopic;
  readonly bus: CloudwatchEventBus;
  readonly archive: CloudwatchEventArchive;
  readonly handler: JobsFunction;
  readonly invokeConfig: LambdaFunctionEventInvokeConfig;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploymentSettings;
      bundleDir: string;
      table: DynamodbTable;
      jobEventsBusArn: string;
      key: KmsKey;
      emulated?: boolean;
    },
  ) {
    super(scope, id);
    const { settings, table, key } = props;
    const names = resourceNames(settings.environment);
    this.topic = new SnsTopic(this, 'topic', { name: names.errorTopic, kmsMasterKeyId: key.arn });
    this.bus = new CloudwatchEventBus(this, 'bus', { name: names.failedEventsBus });
    this.archive = new CloudwatchEventArchive(this, 'archive', {
      name: names.failedEventsArchive,
      eventSourceArn: this.bus.arn,
      retentionDays: settings.archiveRetentionDays,
      description: 'Every failure the error handler could not record, for replay',
    });
    this.handler = new JobsFunction(this, 'handler', {
      name: names.errorHandlerFunction,
      bundleDir: props.bundleDir,
      settings: settings.functions.errorHandler,
      environment: errorHandlerEnvironment(settings),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated: props.emulated,
      grants: [
        { sid: 'RecordFailures', actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], resources: [table.arn] },
        {
          sid: 'ReadFailedBatchesBack',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [`${table.arn}/stream/*`],
        },
        // Its own unrecorded failures, and Lambda's on-failure destination (sent with this role).
        { sid: 'KeepUnrecordedFailures', actions: ['events:PutEvents'], resources: [this.bus.arn] },
        // The announcements of a failed range of the announcing consumer's mapping.
        { sid: 'PublishJobEvents', actions: ['events:PutEvents'], resources: [props.jobEventsBusArn] },
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
      ],
    });
    new LambdaPermission(this, 'topic-may-invoke', {
      statementId: 'AllowErrorTopic',
      action: 'lambda:InvokeFunction',
      functionName: this.handler.fn.functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: this.topic.arn,
    });
    new SnsTopicSubscription(this, 'subscription', { topicArn: this.topic.arn, protocol: 'lambda', endpoint: this.handler.fn.arn });
    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.handler.fn.functionName,
      maximumRetryAttempts: settings.errorHandlerAsync.maximumRetryAttempts,
      maximumEventAgeInSeconds: settings.errorHandlerAsync.maximumEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.bus.arn } },
    });
    const rule = new CloudwatchEventRule(this, 'replay-rule', {
      name: names.replayRule,
      eventBusName: this.bus.name,
      description: 'Sends replayed failed events back to the error handler',
      eventPattern: JSON.stringify(REPLAYED_EVENTS_PATTERN),
    });
    new CloudwatchEventTarget(this, 'replay-target', {
      rule: rule.name,
      eventBusName: this.bus.name,
      arn: this.handler.fn.arn,
      targetId: 'error-handler',
    });
    new LambdaPermission(this, 'replay-may-invoke', {
      statementId: 'AllowReplayRule',
      action: 'lambda:InvokeFunction',
      functionName: this.handler.fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
  }
}
