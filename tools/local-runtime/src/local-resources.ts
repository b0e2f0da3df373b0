import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalResources } from '@async-jobs/local-services';
import {
  jobsTableDefinition,
  JOBS_TABLE_TTL_ATTRIBUTE,
  REPLAYED_EVENTS_PATTERN,
  resourceNames,
  resultsBucketName,
  WEBHOOK_EVENTS_PATTERN,
  type DeploymentSettings,
} from '@async-jobs/platform';

/**
 * Creates the environment's resources with the names and settings infra uses; idempotent, so a
 * restart on a persisted DynamoDB Local finds its table again.
 */
export async function createLocalResources(
  clients: {
    dynamodb: DynamoDBClient;
    sns: SNSClient;
    sqs: SQSClient;
    events: EventBridgeClient;
    s3: S3Client;
    secrets: SecretsManagerClient;
  },
  settings: DeploymentSettings,
  accountId: string,
  /** The webhook signing secret of this run: made again with the same value when moto comes back empty. */
  webhookSecret: string,
): Promise<LocalResources> {
  const names = resourceNames(settings.environment);
  const { dynamodb, sns, sqs, events } = clients;

  try {
    await dynamodb.send(new CreateTableCommand(jobsTableDefinition(names.table, settings.consumers)));
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: names.table,
        TimeToLiveSpecification: { Enabled: true, AttributeName: JOBS_TABLE_TTL_ATTRIBUTE },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  let { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: names.table }));
  // A table persisted (--data-dir) by an older version may lack some indexes: add them.
  const definition = jobsTableDefinition(names.table, settings.consumers);
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = (definition.GlobalSecondaryIndexes ?? []).filter((index) => !present.has(index.IndexName));
  if (missing.length) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: names.table,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: missing.map((index) => ({ Create: index })),
      }),
    );
    ({ Table } = await dynamodb.send(new DescribeTableCommand({ TableName: names.table })));
  }
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${names.table} has no stream`);

  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: names.errorTopic }));
  const errorQueue = await queue(sqs, `${names.errorTopic}-to-error-handler`);
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: errorQueue.arn, ReturnSubscriptionArn: true }),
  );

  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: names.failedEventsBus }));
  const archive = await events
    .send(
      new CreateArchiveCommand({
        ArchiveName: names.failedEventsArchive,
        EventSourceArn: EventBusArn,
        RetentionDays: settings.archiveRetentionDays,
      }),
    )
    .catch(async (error: Error) => {
      if (error.name !== 'ResourceAlreadyExistsException') throw error;
      return { ArchiveArn: EventBusArn?.replace(':event-bus/', ':archive/').replace(names.failedEventsBus, names.failedEventsArchive) };
    });
  // The job-events bus: subscribers add their rules to it (docs/architecture.md, Job events).
  await events.send(new CreateEventBusCommand({ Name: names.jobEventsBus })).catch((error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  });
  // Webhooks: the secret they are signed with, and the rule from the job-events bus to their queue (as infra's).
  await clients.secrets.send(new CreateSecretCommand({ Name: names.webhookSecret, SecretString: webhookSecret })).catch((error: Error) => {
    if (error.name !== 'ResourceExistsException') throw error;
  });
  const webhookQueue = await queue(sqs, names.webhookQueue);
  await events.send(
    new PutRuleCommand({ Name: names.webhookRule, EventBusName: names.jobEventsBus, EventPattern: JSON.stringify(WEBHOOK_EVENTS_PATTERN) }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: names.webhookRule,
      EventBusName: names.jobEventsBus,
      Targets: [{ Id: 'webhook-queue', Arn: webhookQueue.arn }],
    }),
  );
  const replayQueue = await queue(sqs, `${names.replayRule}`);
  const { RuleArn } = await events.send(
    new PutRuleCommand({
      Name: names.replayRule,
      EventBusName: names.failedEventsBus,
      EventPattern: JSON.stringify(REPLAYED_EVENTS_PATTERN),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: names.replayRule,
      EventBusName: names.failedEventsBus,
      Targets: [{ Id: 'error-handler', Arn: replayQueue.arn }],
    }),
  );

  // The results bucket as infra makes it, as far as moto keeps it: private, results expiring with their jobs.
  const resultsBucket = resultsBucketName(settings.environment, accountId, settings.region);
  await clients.s3.send(new CreateBucketCommand({ Bucket: resultsBucket })).catch((error: Error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
  });
  await clients.s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: resultsBucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await clients.s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: resultsBucket,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'expire-with-the-jobs',
            Status: 'Enabled',
            Filter: { Prefix: 'results/' },
            Expiration: { Days: settings.jobs.retentionDays },
          },
        ],
      },
    }),
  );

  return {
    resultsBucket,
    webhookQueueUrl: webhookQueue.url,
    webhookQueueArn: webhookQueue.arn,
    jobEventsBus: names.jobEventsBus,
    tableName: names.table,
    streamArn,
    errorTopicArn: TopicArn as string,
    errorSubscriptionArn: SubscriptionArn as string,
    errorQueueUrl: errorQueue.url,
    failedEventsBus: names.failedEventsBus,
    failedEventsBusArn: EventBusArn as string,
    archiveName: names.failedEventsArchive,
    archiveArn: archive.ArchiveArn as string,
    replayRuleArn: RuleArn as string,
    replayQueueUrl: replayQueue.url,
  };
}

async function queue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.['QueueArn'] as string };
}
