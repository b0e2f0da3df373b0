import {
  APIGatewayClient,
  GetMethodCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  GetResourcesCommand,
  GetRestApisCommand,
} from '@aws-sdk/client-api-gateway';
import { jobCatalog } from '@async-jobs/job-catalog';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetWebACLForResourceCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  consumerFunctionName,
  announcingConsumer,
  streamFilterPatterns,
  deploymentSettings,
  invokeRoleName,
  JOBS_BY_OWNER_INDEX,
  operationsPlan,
  resourceName,
  resourceNames,
  streamProcessorTimeoutSeconds,
  SERVICE_NAME,
  UNFINISHED_ENTRIES_INDEX,
} from '@async-jobs/platform';

/**
 * Looks at what `terraform apply` created, through the AWS SDK, and returns what it checked. Throws
 * on the first property that is not what the stack declares.
 */
export async function verifyRehearsalStack(endpoint: string, outputs: Record<string, { value: string }>): Promise<string[]> {
  const settings = deploymentSettings('rehearsal');
  const names = resourceNames('rehearsal');
  const config = { region: settings.region, endpoint, credentials: { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' } };
  const dynamodb = new DynamoDBClient(config);
  const lambda = new LambdaClient(config);
  const events = new EventBridgeClient(config);
  const sns = new SNSClient(config);
  const apigateway = new APIGatewayClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const iam = new IAMClient(config);
  const wafv2 = new WAFV2Client(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const sqs = new SQSClient(config);
  const secrets = new SecretsManagerClient(config);
  const checks: string[] = [];
  const check = (what: string, ok: boolean, seen: unknown) => {
    if (!ok) throw new Error(`rehearsal check failed: ${what}; saw ${JSON.stringify(seen)}`);
    checks.push(what);
  };

  try {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: names.table }));
    check(
      'the table has a NEW_IMAGE stream',
      Table?.StreamSpecification?.StreamEnabled === true && Table.StreamSpecification.StreamViewType === 'NEW_IMAGE',
      Table?.StreamSpecification,
    );
    const indexes = new Map((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
    check(
      'the table has the listing index, keys only',
      indexes.get('by-type-created')?.Projection?.ProjectionType === 'KEYS_ONLY',
      Table?.GlobalSecondaryIndexes,
    );
    const byOwner = indexes.get(JOBS_BY_OWNER_INDEX.name);
    check(
      "the table has the owners' listing index, by owner and type, keys only",
      byOwner?.KeySchema?.map((k) => k.AttributeName).join() === 'ownerType,createdSort' &&
        byOwner.Projection?.ProjectionType === 'KEYS_ONLY',
      byOwner,
    );
    for (const consumerId of settings.consumers) {
      const index = indexes.get(UNFINISHED_ENTRIES_INDEX.name(consumerId));
      check(
        `consumer ${consumerId}: the sweeper's index of unfinished entries, by shard and deadline`,
        index?.KeySchema?.map((k) => k.AttributeName).join() ===
          `${UNFINISHED_ENTRIES_INDEX.partitionKey},${UNFINISHED_ENTRIES_INDEX.sortKey(consumerId)}` &&
          index.Projection?.ProjectionType === 'KEYS_ONLY',
        index,
      );
    }
    check(
      'the table is encrypted with the customer key',
      Table?.SSEDescription?.SSEType === 'KMS' && Boolean(Table.SSEDescription.KMSMasterKeyArn),
      Table?.SSEDescription,
    );
    const { TimeToLiveDescription } = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: names.table }));
    check(
      'TTL is on expiresAt',
      TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' && TimeToLiveDescription.AttributeName === 'expiresAt',
      TimeToLiveDescription,
    );
    const { ContinuousBackupsDescription } = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: names.table }));
    check(
      'point-in-time recovery is on',
      ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
      ContinuousBackupsDescription,
    );

    const { EventSourceMappings: allMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
    for (const consumerId of settings.consumers) {
      const functionName = consumerFunctionName('rehearsal', consumerId);
      const EventSourceMappings = allMappings.filter((m) => m.FunctionArn?.endsWith(`:function:${functionName}`));
      const mapping = EventSourceMappings[0];
      check(
        `consumer ${consumerId}: one mapping on the table's stream`,
        EventSourceMappings.length === 1 && mapping?.EventSourceArn === Table?.LatestStreamArn,
        EventSourceMappings,
      );
      const announces = consumerId === announcingConsumer(settings);
      check(
        `consumer ${consumerId}: the mapping lets through new jobs (INSERT) and retries (MODIFY with the retry's mark)${announces ? ', and the writes that ended entries (it announces them)' : ' only'}`,
        // In any order: Lambda ORs a mapping's filters (moto hands them back reordered).
        JSON.stringify((mapping?.FilterCriteria?.Filters ?? []).map((f) => f.Pattern ?? '').sort()) ===
          JSON.stringify(
            streamFilterPatterns(announces)
              .map((pattern) => JSON.stringify(pattern))
              .sort(),
          ),
        mapping?.FilterCriteria,
      );
      check(
        `consumer ${consumerId}: failures go to the error topic`,
        mapping?.DestinationConfig?.OnFailure?.Destination === outputs['error_topic_arn']?.value,
        mapping?.DestinationConfig,
      );
      check(
        `consumer ${consumerId}: batch ${settings.stream.batchSize}, ${settings.stream.maximumRetryAttempts} retries, bisect, partial batch responses`,
        mapping?.BatchSize === settings.stream.batchSize &&
          mapping.MaximumRetryAttempts === settings.stream.maximumRetryAttempts &&
          mapping.BisectBatchOnFunctionError === true &&
          (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        mapping,
      );
      const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
      check(
        `consumer ${consumerId}: Node 22 on arm64 with its consumer id`,
        Configuration?.Runtime === 'nodejs22.x' &&
          Configuration.Architectures?.[0] === 'arm64' &&
          Configuration.Environment?.Variables?.['CONSUMER_ID'] === consumerId,
        Configuration,
      );
    }

    const invokeConfig = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: names.errorHandlerFunction }));
    check(
      "the error handler's failures go to the failed-events bus",
      invokeConfig.DestinationConfig?.OnFailure?.Destination?.endsWith(`:event-bus/${names.failedEventsBus}`) === true,
      invokeConfig.DestinationConfig,
    );
    check(
      `the error handler retries ${settings.errorHandlerAsync.maximumRetryAttempts} times`,
      invokeConfig.MaximumRetryAttempts === settings.errorHandlerAsync.maximumRetryAttempts,
      invokeConfig,
    );

    // The runner: long runs off the stream, its reserved concurrency the environment's ceiling, its failures to the error topic.
    const runner = await lambda.send(new GetFunctionCommand({ FunctionName: names.runnerFunction }));
    check(
      `the runner reserves ${settings.runner.reservedConcurrency} concurrent runs`,
      runner.Concurrency?.ReservedConcurrentExecutions === settings.runner.reservedConcurrency,
      runner.Concurrency,
    );
    const runnerAsync = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: names.runnerFunction }));
    check(
      "the runner's failed orders go to the error topic, after its retries, within its maximum event age",
      runnerAsync.DestinationConfig?.OnFailure?.Destination === outputs['error_topic_arn']?.value &&
        runnerAsync.MaximumRetryAttempts === settings.runner.maximumRetryAttempts &&
        runnerAsync.MaximumEventAgeInSeconds === settings.runner.maximumEventAgeSeconds,
      runnerAsync,
    );
    for (const consumerId of settings.consumers) {
      const role = `${consumerFunctionName('rehearsal', consumerId)}-role`;
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'least-privilege' }));
      const statements = (
        JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) as {
          Statement: { Action: string | string[]; Resource: string | string[] }[];
        }
      ).Statement;
      const invoke = statements.find((st) => [st.Action].flat().includes('lambda:InvokeFunction'));
      check(
        `consumer ${consumerId} may invoke the runner, and only it`,
        [invoke?.Resource].flat().length === 1 && String([invoke?.Resource].flat()[0]).endsWith(`:function:${names.runnerFunction}`),
        invoke,
      );
    }

    const bus = await events.send(new DescribeEventBusCommand({ Name: names.failedEventsBus }));
    const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: names.failedEventsArchive }));
    check(
      'the archive keeps the failed-events bus',
      archive.EventSourceArn === bus.Arn && archive.RetentionDays === settings.archiveRetentionDays,
      archive,
    );
    const { Rules = [] } = await events.send(new ListRulesCommand({ EventBusName: names.failedEventsBus, NamePrefix: names.replayRule }));
    check(
      'the replay rule matches only replayed events',
      JSON.parse(Rules[0]?.EventPattern ?? '{}')['replay-name']?.[0]?.exists === true,
      Rules,
    );
    const { Targets = [] } = await events.send(
      new ListTargetsByRuleCommand({ Rule: names.replayRule, EventBusName: names.failedEventsBus }),
    );
    check(
      'the replay rule targets the error handler',
      Targets[0]?.Arn?.endsWith(`:function:${names.errorHandlerFunction}`) === true,
      Targets,
    );

    const { Rules: schedules = [] } = await events.send(new ListRulesCommand({ NamePrefix: names.sweeperSchedule }));
    check('the sweeper runs on a schedule', /^rate\(\d+ minutes?\)$/.test(schedules[0]?.ScheduleExpression ?? ''), schedules);
    const { Targets: sweepTargets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: names.sweeperSchedule }));
    check(
      'the schedule invokes the job sweeper',
      sweepTargets[0]?.Arn?.endsWith(`:function:${names.sweeperFunction}`) === true,
      sweepTargets,
    );

    const plan = operationsPlan(settings, {
      processorTimeoutSeconds: streamProcessorTimeoutSeconds(
        settings.jobs,
        jobCatalog({ sleepMaxSeconds: settings.jobs.sleepMaxSeconds }).longestRun(),
      ),
    });
    const { MetricAlarms = [] } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${SERVICE_NAME}-rehearsal-`, MaxRecords: 100 }),
    );
    const alarmsByName = new Map(MetricAlarms.map((alarm) => [alarm.AlarmName, alarm]));
    for (const planned of plan.alarms) {
      const alarm = alarmsByName.get(resourceName('rehearsal', planned.id));
      const sorted = (pairs: [string | undefined, string | undefined][]) =>
        JSON.stringify(pairs.sort(([a], [b]) => String(a).localeCompare(String(b))));
      const dimensions = sorted((alarm?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      check(
        `alarm ${planned.id} watches ${planned.series.namespace}/${planned.series.metricName}`,
        alarm?.Namespace === planned.series.namespace &&
          alarm.MetricName === planned.series.metricName &&
          dimensions === sorted(Object.entries(planned.series.dimensions)),
        alarm,
      );
    }

    const jobEventsBus = await events.send(new DescribeEventBusCommand({ Name: names.jobEventsBus }));
    check(
      'the job-events bus exists and is in the outputs',
      jobEventsBus.Name === names.jobEventsBus && outputs['job_events_bus']?.value === names.jobEventsBus,
      { jobEventsBus, output: outputs['job_events_bus'] },
    );
    const announcer = await lambda.send(
      new GetFunctionCommand({ FunctionName: consumerFunctionName('rehearsal', announcingConsumer(settings)) }),
    );
    check(
      'the announcing consumer publishes to the job-events bus',
      announcer.Configuration?.Environment?.Variables?.['JOB_EVENTS_BUS_NAME'] === names.jobEventsBus,
      announcer.Configuration?.Environment?.Variables,
    );

    const { QueueUrl: webhookQueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.webhookQueue }));
    const { Attributes: webhookQueue = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: webhookQueueUrl, AttributeNames: ['All'] }),
    );
    check(
      'the webhook queue is encrypted with the project key and redrives to its dead letters',
      /^arn:aws:kms:/.test(webhookQueue['KmsMasterKeyId'] ?? '') &&
        JSON.parse(webhookQueue['RedrivePolicy'] ?? '{}').deadLetterTargetArn?.endsWith(`:${names.webhookDeadLetters}`),
      webhookQueue,
    );
    const { Targets: webhookTargets = [] } = await events.send(
      new ListTargetsByRuleCommand({ Rule: names.webhookRule, EventBusName: names.jobEventsBus }),
    );
    check('the webhook rule puts finished jobs on the webhook queue', webhookTargets[0]?.Arn === webhookQueue['QueueArn'], webhookTargets);
    const webhookMapping = allMappings.find((m) => m.FunctionArn?.endsWith(`:function:${names.webhookSenderFunction}`));
    check(
      'the webhook sender reads the queue, reporting batch item failures',
      webhookMapping?.EventSourceArn === webhookQueue['QueueArn'] &&
        (webhookMapping?.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      webhookMapping,
    );
    const secret = await secrets.send(new DescribeSecretCommand({ SecretId: names.webhookSecret }));
    check('the webhook secret is encrypted with the project key', /^arn:aws:kms:/.test(secret.KmsKeyId ?? ''), secret);

    const bucket = outputs['results_bucket']?.value;
    check(
      'the results bucket is named for the environment, account and region',
      /^async-jobs-rehearsal-results-\d{12}-us-east-1$/.test(bucket ?? ''),
      bucket,
    );
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const byDefault = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
    check(
      'the results bucket encrypts with the project key',
      byDefault?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' &&
        /^arn:aws:kms:/.test(byDefault.ApplyServerSideEncryptionByDefault.KMSMasterKeyID ?? ''),
      byDefault,
    );
    const publicAccess = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    check(
      'the results bucket blocks every public access',
      Object.values(publicAccess.PublicAccessBlockConfiguration ?? {}).filter((on) => on === true).length === 4,
      publicAccess.PublicAccessBlockConfiguration,
    );
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    check(
      "the results bucket expires results with the jobs' retention",
      lifecycle.Rules?.[0]?.Expiration?.Days === settings.jobs.retentionDays && lifecycle.Rules[0].Status === 'Enabled',
      lifecycle.Rules,
    );
    const bucketPolicy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}');
    check(
      'the results bucket refuses plain HTTP',
      bucketPolicy.Statement?.some(
        (st: { Effect: string; Condition?: { Bool?: Record<string, string> } }) =>
          st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
      bucketPolicy,
    );

    const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: outputs['error_topic_arn']?.value }));
    check('the error topic is encrypted', Boolean(topic.Attributes?.['KmsMasterKeyId']), topic.Attributes);

    const { items: apis = [] } = await apigateway.send(new GetRestApisCommand({}));
    const api = apis.find((a) => a.name === names.api);
    const { items: resources = [] } = await apigateway.send(new GetResourcesCommand({ restApiId: api?.id }));
    let methods = 0;
    for (const resource of resources) {
      for (const httpMethod of Object.keys(resource.resourceMethods ?? {})) {
        const method = await apigateway.send(new GetMethodCommand({ restApiId: api?.id, resourceId: resource.id, httpMethod }));
        check(`${httpMethod} ${resource.path} requires IAM auth`, method.authorizationType === 'AWS_IAM', method.authorizationType);
        methods += 1;
      }
    }
    check('the API has its nine methods', methods === 9, methods);
    const { items: models = [] } = await apigateway.send(new GetModelsCommand({ restApiId: api?.id }));
    check(
      'the request model is the draft-04 schema from the domain',
      JSON.parse(models.find((m) => m.name === 'SubmitJobRequest')?.schema ?? '{}').$schema === 'http://json-schema.org/draft-04/schema#',
      models,
    );
    const { items: validators = [] } = await apigateway.send(new GetRequestValidatorsCommand({ restApiId: api?.id }));
    check(
      'a validator checks request bodies',
      validators.some((v) => v.validateRequestBody),
      validators,
    );

    // The resource policy is not rehearsed: moto answers it unescaped, which the AWS provider cannot read (see ApiAccess).

    const roleArns = outputs['invoke_role_arns']?.value as unknown as Record<string, string> | undefined;
    for (const [group, { operator }] of Object.entries(settings.access.groups)) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: invokeRoleName('rehearsal', group) }));
      check(`the ${group} group has its invoke role, in the outputs`, Role?.Arn !== undefined && roleArns?.[group] === Role.Arn, {
        Role,
        roleArns,
      });
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: Role?.RoleName, PolicyName: 'invoke-jobs-api' }));
      check(
        `the ${group} role may invoke the API's methods only`,
        /execute-api:Invoke/.test(decodeURIComponent(PolicyDocument ?? '')) && !/"\*"/.test(decodeURIComponent(PolicyDocument ?? '')),
        PolicyDocument,
      );
      const jobsApi = await lambda.send(new GetFunctionCommand({ FunctionName: names.jobsApiFunction }));
      const operators = jobsApi.Configuration?.Environment?.Variables?.['OPERATOR_PRINCIPALS']?.split(',') ?? [];
      check(
        `jobs-api knows the ${group} role ${operator ? 'as an operator' : 'as no operator'}`,
        operators.includes(Role?.Arn ?? '') === operator,
        operators,
      );
    }

    if (settings.access.waf.enabled) {
      const stageArn = `arn:aws:apigateway:${settings.region}::/restapis/${api?.id}/stages/${settings.environment}`;
      const { WebACL } = await wafv2.send(new GetWebACLForResourceCommand({ ResourceArn: stageArn }));
      check(
        'the web ACL guards the stage, the rate limit first',
        WebACL?.Rules?.[0]?.Statement?.RateBasedStatement?.Limit === settings.access.waf.requestsPerFiveMinutesPerIp,
        WebACL,
      );
      check(
        "the web ACL runs AWS's managed rule groups",
        (WebACL?.Rules ?? []).filter((r) => r.Statement?.ManagedRuleGroupStatement?.VendorName === 'AWS').length === 3,
        WebACL?.Rules,
      );
    }
    check('the outputs name the API URL', Boolean(outputs['api_url']?.value), outputs);
  } finally {
    for (const client of [dynamodb, lambda, events, sns, apigateway, cloudwatch, iam, wafv2, s3, sqs, secrets]) client.destroy();
  }
  return checks;
}
