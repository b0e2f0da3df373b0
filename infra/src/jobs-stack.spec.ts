import { rmSync } from 'node:fs';
import { Testing } from 'cdktf';
import { JOB_EVENTS_SOURCE, submitJobRequestModel } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import {
  consumerFunctionName,
  deploymentSettings,
  ENVIRONMENTS,
  invokeRoleName,
  operationsPlan,
  resourceNames,
  streamProcessorTimeoutSeconds,
  type DeploymentSettings,
  type Environment,
} from '@async-jobs/platform';
import { deployTarget, isDeployedEnvironment } from './deploy-targets';
import { JobsStack } from './jobs-stack';
import { bundleStandIns } from './testing/bundle-stand-ins';
import { aTargetsFile } from './testing/deploy-targets-file';

const processorTimeoutOf = (settings: DeploymentSettings) =>
  streamProcessorTimeoutSeconds(settings.jobs, jobCatalog({ sleepMaxSeconds: settings.jobs.sleepMaxSeconds }).longestRun());
const targetOf = (environment: string) => (isDeployedEnvironment(environment) ? deployTarget(aTargetsFile(), environment) : undefined);

type Resources = Record<string, Record<string, Record<string, any>>>;
interface Synthesized {
  resource: Resources;
  data: Resources;
  output: Record<string, { value: string }>;
}

let bundlesDir: string;
const synthesized = new Map<Environment, Synthesized>();

beforeAll(() => {
  bundlesDir = bundleStandIns();
  for (const environment of ENVIRONMENTS) {
    const stack = new JobsStack(Testing.app(), `jobs-${environment}`, {
      settings: deploymentSettings(environment),
      bundlesDir,
      target: targetOf(environment),
    });
    synthesized.set(environment, JSON.parse(Testing.synth(stack)) as Synthesized);
  }
});
afterAll(() => rmSync(bundlesDir, { recursive: true, force: true }));

const all = (environment: Environment, type: string) => Object.values(synthesized.get(environment)?.resource[type] ?? {});
const one = (environment: Environment, type: string) => {
  const found = all(environment, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};
const policyDocuments = (environment: Environment) => Object.values(synthesized.get(environment)?.data['aws_iam_policy_document'] ?? {});

describe.each(ENVIRONMENTS)('stack jobs-%s', (environment) => {
  const settings = deploymentSettings(environment);
  const names = resourceNames(environment);

  it('has a jobs table with its stream, TTL, point-in-time recovery and our key', () => {
    expect(one(environment, 'aws_dynamodb_table')).toMatchObject({
      name: names.table,
      hash_key: 'id',
      billing_mode: 'PAY_PER_REQUEST',
      stream_enabled: true,
      stream_view_type: 'NEW_IMAGE',
      ttl: { enabled: true, attribute_name: 'expiresAt' },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringContaining('aws_kms_key.') },
      deletion_protection_enabled: settings.deletionProtection,
      global_secondary_index: [
        { name: 'by-type-created', hash_key: 'type', range_key: 'createdSort', projection_type: 'KEYS_ONLY' },
        { name: 'by-owner-type-created', hash_key: 'ownerType', range_key: 'createdSort', projection_type: 'KEYS_ONLY' },
        ...settings.consumers.map((c) => ({
          name: `unfinished-${c}`,
          hash_key: 'sweepShard',
          range_key: `deadline_${c}`,
          projection_type: 'KEYS_ONLY',
        })),
      ],
    });
    expect(one(environment, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
  });

  it('runs the seven functions on Node 22 / arm64 with JSON logs, tracing and the settings', () => {
    const functions = all(environment, 'aws_lambda_function');
    expect(functions.map((f) => f.function_name).sort()).toEqual(
      [
        names.jobsApiFunction,
        names.errorHandlerFunction,
        names.sweeperFunction,
        names.runnerFunction,
        names.webhookSenderFunction,
        ...settings.consumers.map((c) => consumerFunctionName(environment, c)),
      ].sort(),
    );
    for (const f of functions) {
      expect(f).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'main.handler',
        tracing_config: { mode: 'Active' },
        logging_config: { log_format: 'JSON' },
      });
      // Metric lines carry no level, which Lambda reads as INFO: an application log level above it would drop every metric.
      expect(['INFO', 'DEBUG', 'TRACE', undefined]).toContain(f.logging_config.application_log_level);
    }
    const processor = functions.find((f) => f.function_name === consumerFunctionName(environment, settings.consumers[0]));
    expect(processor).toMatchObject({
      memory_size: settings.functions.streamProcessor.memoryMb,
      // The catalog's longest run (a sleep of sleepMaxSeconds, plus its margin) and what surrounds it.
      timeout: settings.jobs.sleepMaxSeconds + 5 + settings.jobs.leaseSeconds + 2 * settings.jobs.outagePatienceSeconds + 30,
      environment: { variables: expect.objectContaining({ CONSUMER_ID: settings.consumers[0], JOBS_TABLE_NAME: names.table }) },
    });
    const errorHandler = functions.find((f) => f.function_name === names.errorHandlerFunction);
    expect(errorHandler?.reserved_concurrent_executions).toBe(settings.functions.errorHandler.reservedConcurrency);
  });

  it("runs long jobs on the runner: its reserved concurrency the environment's ceiling, Lambda's retries, the error topic its destination", () => {
    const runner = all(environment, 'aws_lambda_function').find((f) => f.function_name === names.runnerFunction);
    const processor = all(environment, 'aws_lambda_function').find((f) => f.function_name === consumerFunctionName(environment, 'a'));
    expect(runner).toMatchObject({
      reserved_concurrent_executions: settings.runner.reservedConcurrency,
      memory_size: settings.runner.memoryMb,
      // A run there has the processor's whole budget: the same derivation from the catalog.
      timeout: processor?.timeout,
      environment: {
        variables: expect.objectContaining({
          RUNNER_FUNCTION_NAME: names.runnerFunction,
          DISPATCH_LEASE_SECONDS: String(settings.runner.maximumEventAgeSeconds + settings.jobs.leaseSeconds),
          CONSUMERS: settings.consumers.join(','),
        }),
      },
    });
    expect(processor?.environment.variables).toMatchObject({
      RUNNER_FUNCTION_NAME: names.runnerFunction,
      DISPATCH_LEASE_SECONDS: runner?.environment.variables['DISPATCH_LEASE_SECONDS'],
    });
    const invokeConfig = all(environment, 'aws_lambda_function_event_invoke_config').find((c) =>
      String(c.function_name).includes('aws_lambda_function.job-runner_'),
    );
    expect(invokeConfig).toMatchObject({
      maximum_retry_attempts: settings.runner.maximumRetryAttempts,
      maximum_event_age_in_seconds: settings.runner.maximumEventAgeSeconds,
      destination_config: { on_failure: { destination: expect.stringContaining('aws_sns_topic.error-handling_topic') } },
    });
    // Who may invoke it: each processor and the runner itself (a retry), by the runner's ARN only.
    const invokers = policyDocuments(environment).flatMap((doc) =>
      doc.statement.filter((st: { actions: string[] }) => st.actions.includes('lambda:InvokeFunction')),
    );
    expect(invokers).toHaveLength(settings.consumers.length + 1);
    for (const statement of invokers)
      expect(statement.resources).toEqual([
        expect.stringMatching(new RegExp(`:lambda:${settings.region}:.*:function:${names.runnerFunction}$`)),
      ]);
  });

  const streamMappings = () =>
    all(environment, 'aws_lambda_event_source_mapping').filter((m) => m.event_source_arn.includes('aws_dynamodb_table'));

  it('maps the stream to each consumer with every setting explicit', () => {
    const mappings = streamMappings();
    expect(mappings).toHaveLength(settings.consumers.length);
    for (const [i, mapping] of mappings.entries()) {
      // The first consumer's mapping announces: it also carries the writes that ended entries (their new image has `announce`).
      const announcements =
        i === 0
          ? [
              {
                pattern: JSON.stringify({
                  eventName: ['MODIFY'],
                  dynamodb: { NewImage: { announce: { M: { at: { S: [{ exists: true }] } } } } },
                }),
              },
            ]
          : [];
      expect(mapping.function_name).toContain(`consumer-${settings.consumers[i]}_processor`);
      expect(mapping).toMatchObject({
        starting_position: 'TRIM_HORIZON',
        filter_criteria: {
          // New jobs, and the one write of a caller's retry (its mark), never claims, renewals or completions.
          filter: [
            { pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: [{ exists: true }] } } } }) },
            { pattern: JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { retryRequestedAt: { S: [{ exists: true }] } } } }) },
            ...announcements,
          ],
        },
        batch_size: settings.stream.batchSize,
        maximum_batching_window_in_seconds: settings.stream.maximumBatchingWindowSeconds,
        parallelization_factor: settings.stream.parallelizationFactor,
        function_response_types: ['ReportBatchItemFailures'],
        bisect_batch_on_function_error: true,
        maximum_retry_attempts: settings.stream.maximumRetryAttempts,
        maximum_record_age_in_seconds: settings.stream.maximumRecordAgeSeconds,
        destination_config: { on_failure: { destination_arn: expect.stringContaining('aws_sns_topic.error-handling_topic') } },
      });
    }
  });

  it('routes failures: encrypted topic → error handler → failed-events bus with archive and replay rule', () => {
    expect(all(environment, 'aws_sns_topic').every((t) => String(t.kms_master_key_id).includes('aws_kms_key.'))).toBe(true);
    expect(one(environment, 'aws_sns_topic_subscription')).toMatchObject({ protocol: 'lambda' });
    const invokeConfigs = all(environment, 'aws_lambda_function_event_invoke_config');
    expect(invokeConfigs.find((c) => String(c.function_name).includes('error-handling_handler'))).toMatchObject({
      maximum_retry_attempts: settings.errorHandlerAsync.maximumRetryAttempts,
      destination_config: { on_failure: { destination: expect.stringContaining('aws_cloudwatch_event_bus.') } },
    });
    expect(one(environment, 'aws_cloudwatch_event_archive')).toMatchObject({
      name: names.failedEventsArchive,
      retention_days: settings.archiveRetentionDays,
    });
    const replayRule = all(environment, 'aws_cloudwatch_event_rule').find((r) => r.name === names.replayRule);
    expect(JSON.parse(replayRule?.event_pattern)).toEqual({ 'replay-name': [{ exists: true }] });
    expect(all(environment, 'aws_cloudwatch_event_target').find((t) => t.target_id === 'error-handler')?.arn).toContain(
      'aws_lambda_function.error-handling_handler',
    );
  });

  it('serves the API with IAM auth, the domain model, a validator, throttling, access logs and redeployment', () => {
    const registry = jobCatalog({ sleepMaxSeconds: settings.jobs.sleepMaxSeconds });
    expect(JSON.parse(one(environment, 'aws_api_gateway_model').schema)).toEqual(submitJobRequestModel(registry));
    expect(one(environment, 'aws_api_gateway_request_validator')).toMatchObject({ validate_request_body: true });
    const post = all(environment, 'aws_api_gateway_method').find(
      (m) => m.http_method === 'POST' && /aws_api_gateway_resource\.rest-api_jobs_/.test(m.resource_id),
    );
    expect(post).toMatchObject({
      request_models: { 'application/json': expect.stringContaining('aws_api_gateway_model.') },
      request_validator_id: expect.any(String),
    });
    expect(one(environment, 'aws_api_gateway_deployment').triggers.redeployment).toMatch(/^[0-9a-f]{64}$/);
    expect(one(environment, 'aws_api_gateway_stage')).toMatchObject({
      stage_name: environment,
      xray_tracing_enabled: true,
      access_log_settings: { destination_arn: expect.any(String) },
    });
    // Who called, on every line, refused requests included.
    expect(JSON.parse(one(environment, 'aws_api_gateway_stage').access_log_settings.format)).toMatchObject({
      caller: '$context.identity.caller',
      user: '$context.identity.userArn',
      status: '$context.status',
    });
    expect(one(environment, 'aws_api_gateway_method_settings').settings).toMatchObject({
      throttling_rate_limit: settings.api.throttlingRateLimit,
      throttling_burst_limit: settings.api.throttlingBurstLimit,
    });
    const validation = all(environment, 'aws_api_gateway_gateway_response').find((r) => r.response_type === 'BAD_REQUEST_BODY');
    expect(validation?.response_templates['application/json']).toContain('"code":"VALIDATION_FAILED"');
  });

  it('keeps the status of every refusal API Gateway makes: the defaults set none, which would override their whole class', () => {
    const responses = all(environment, 'aws_api_gateway_gateway_response');
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const response = responses.find((r) => r.response_type === type);
      expect(response).toBeDefined();
      expect(response?.status_code).toBeUndefined();
      expect(response?.response_templates['application/json']).toContain('"code":"$context.error.responseType"');
    }
    expect(responses.find((r) => r.response_type === 'ACCESS_DENIED')).toMatchObject({
      status_code: '403',
      response_templates: { 'application/json': expect.stringContaining('"code":"FORBIDDEN"') },
    });
  });

  it("makes an invoke role per group of the settings, assumable within this account, each allowed exactly the product's methods of this stage", () => {
    const roles = all(environment, 'aws_iam_role').filter((r) => /-invoke$/.test(r.name));
    expect(roles.map((r) => r.name).sort()).toEqual(
      Object.keys(settings.access.groups)
        .map((group) => invokeRoleName(environment, group))
        .sort(),
    );
    for (const role of roles) {
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: {
            AWS: expect.stringMatching(
              /^arn:\$\{data\.aws_partition\.partition\.partition\}:iam::\$\{data\.aws_caller_identity\.account\.account_id\}:root$/,
            ),
          },
          Action: 'sts:AssumeRole',
        },
      ]);
    }
    const rolePolicies = all(environment, 'aws_iam_role_policy').filter((p) => p.name === 'invoke-jobs-api');
    expect(rolePolicies).toHaveLength(roles.length);
    const invoke = policyDocuments(environment).find((d) => d.statement.some((s: any) => s.sid === 'CallTheJobsApi'));
    expect(invoke?.statement).toEqual([
      expect.objectContaining({
        actions: ['execute-api:Invoke'],
        resources: [
          expect.stringMatching(new RegExp(`/${environment}/POST/jobs$`)),
          expect.stringMatching(new RegExp(`/${environment}/GET/jobs$`)),
          expect.stringMatching(new RegExp(`/${environment}/GET/jobs/\\*$`)),
          expect.stringMatching(new RegExp(`/${environment}/POST/jobs/\\*/cancel$`)),
          expect.stringMatching(new RegExp(`/${environment}/POST/jobs/\\*/retry$`)),
          expect.stringMatching(new RegExp(`/${environment}/GET/openapi\\.json$`)),
        ],
      }),
    ]);
  });

  it("lets the operators' roles, and no caller's, read the failed-events archive and replay windows of it named as the console names them", () => {
    const operatorGroups = Object.entries(settings.access.groups).filter(([, g]) => g.operator);
    expect(operatorGroups.length).toBeGreaterThan(0);
    const grants = all(environment, 'aws_iam_role_policy').filter((p) => p.name === 'replay-failed-events');
    expect(grants).toHaveLength(operatorGroups.length);
    for (const [group] of operatorGroups) expect(grants.some((g) => String(g.role).includes(`_${group}-role_`))).toBe(true);
    for (const [group] of Object.entries(settings.access.groups).filter(([, g]) => !g.operator))
      expect(grants.some((g) => String(g.role).includes(`_${group}-role_`))).toBe(false);
    const replay = policyDocuments(environment).find((d) => d.statement.some((s: any) => s.sid === 'ReplayAWindowOfIt'));
    const archive = expect.stringMatching(/^\$\{aws_cloudwatch_event_archive\.[\w-]+\.arn\}$/);
    const replays = expect.stringMatching(new RegExp(`:replay/${names.consoleReplayPrefix}\\*$`));
    expect(replay?.statement).toEqual([
      expect.objectContaining({ sid: 'ReadTheFailedEventsArchive', actions: ['events:DescribeArchive'], resources: [archive] }),
      expect.objectContaining({ sid: 'ReplayAWindowOfIt', actions: ['events:StartReplay'], resources: [archive, replays] }),
      expect.objectContaining({ sid: 'FollowTheReplay', actions: ['events:DescribeReplay'], resources: [replays] }),
    ]);
  });

  it('sweeps stalled entries on a schedule, with a function that may query only the unfinished-entries indexes', () => {
    const rule = all(environment, 'aws_cloudwatch_event_rule').find((r) => r.name === names.sweeperSchedule);
    expect(rule).toMatchObject({
      schedule_expression: settings.sweeper.intervalSeconds <= 60 ? 'rate(1 minute)' : expect.stringMatching(/^rate\(\d+ minutes\)$/),
    });
    expect(all(environment, 'aws_cloudwatch_event_target').find((t) => t.target_id === 'job-sweeper')?.arn).toContain(
      'aws_lambda_function.job-sweeper_function',
    );
    // A failed sweep is not retried: the next tick sweeps again.
    expect(
      all(environment, 'aws_lambda_function_event_invoke_config').find((c) => String(c.function_name).includes('job-sweeper')),
    ).toMatchObject({ maximum_retry_attempts: 0 });
    const sweeper = all(environment, 'aws_lambda_function').find((f) => f.function_name === names.sweeperFunction);
    expect(sweeper?.environment.variables).toMatchObject({
      CONSUMERS: settings.consumers.join(','),
      DEADLINE_PICKUP_SECONDS: String(settings.stream.maximumRecordAgeSeconds),
    });
    const query = policyDocuments(environment)
      .flatMap((d) => d.statement)
      .find((st: any) => st.sid === 'FindOverdueEntries');
    expect(query.resources).toEqual(settings.consumers.map((c) => expect.stringMatching(new RegExp(`/index/unfinished-${c}$`))));
  });

  it('builds exactly the alarms and widgets of the operations plan, each to the alarm topic', () => {
    const plan = operationsPlan(settings, { processorTimeoutSeconds: processorTimeoutOf(settings) });
    const alarms = all(environment, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(plan.alarms.map((a) => `async-jobs-${environment}-${a.id}`).sort());
    for (const planned of plan.alarms) {
      const alarm = alarms.find((a) => a.alarm_name === `async-jobs-${environment}-${planned.id}`);
      const stat = /^p/.test(planned.series.stat) ? { extended_statistic: planned.series.stat } : { statistic: planned.series.stat };
      expect(alarm).toMatchObject({
        namespace: planned.series.namespace,
        metric_name: planned.series.metricName,
        dimensions: planned.series.dimensions,
        ...stat,
        threshold: planned.threshold,
        evaluation_periods: planned.evaluationPeriods,
        datapoints_to_alarm: planned.datapointsToAlarm,
        alarm_actions: [expect.stringContaining('aws_sns_topic.operations_alarm-topic')],
      });
    }
    const body = JSON.parse(one(environment, 'aws_cloudwatch_dashboard').dashboard_body);
    expect(body.widgets.map((w: any) => w.properties.title)).toEqual(plan.widgets.map((w) => w.title));
    expect(body.widgets.flatMap((w: any) => w.properties.metrics.map((m: unknown[]) => m.slice(0, 2).join('/')))).toEqual(
      plan.widgets.flatMap((w) => w.series.map((m) => `${m.namespace}/${m.metricName}`)),
    );
  });

  it('alarms on what must never pass unseen: DynamoDB and Lambda throttles, destination failures, dropped events, SNS delivery failures, retried and unreadable records, stalled entries', () => {
    const watched = all(environment, 'aws_cloudwatch_metric_alarm').map((a) => `${a.namespace}/${a.metric_name}`);
    for (const metric of [
      'AWS/DynamoDB/ReadThrottleEvents',
      'AWS/DynamoDB/WriteThrottleEvents',
      'AWS/Lambda/Throttles',
      'AWS/Lambda/DestinationDeliveryFailures',
      'AWS/Lambda/AsyncEventsDropped',
      'AWS/SNS/NumberOfNotificationsFailed',
      'AsyncJobs/RecordsRetried',
      'AsyncJobs/RecordsUnreadable',
      'AsyncJobs/EntriesStalled',
      'AsyncJobs/FailuresArchived',
    ]) {
      expect(watched).toContain(metric);
    }
  });

  it("reads AWS's own metrics with the dimensions AWS publishes them under", () => {
    // From the AWS documentation of each namespace's metrics: the dimension sets each is published with.
    const published: Record<string, string[][]> = {
      'AWS/Lambda': [['FunctionName'], ['FunctionName', 'Resource'], ['FunctionName', 'ExecutedVersion']],
      'AWS/SNS': [['TopicName']],
      'AWS/SQS': [['QueueName']],
      'AWS/DynamoDB': [['TableName'], ['TableName', 'GlobalSecondaryIndexName'], ['TableName', 'Operation']],
      'AWS/ApiGateway': [['ApiName'], ['ApiName', 'Stage'], ['ApiName', 'Method', 'Resource', 'Stage']],
    };
    const plan = operationsPlan(settings, { processorTimeoutSeconds: processorTimeoutOf(settings) });
    const series = [...plan.alarms.map((a) => a.series), ...plan.widgets.flatMap((w) => w.series)].filter((m) =>
      m.namespace.startsWith('AWS/'),
    );
    expect(series.length).toBeGreaterThan(10);
    for (const m of series) {
      const dimensions = Object.keys(m.dimensions).sort();
      expect([m.namespace, m.metricName, published[m.namespace]?.some((set) => [...set].sort().join() === dimensions.join())]).toEqual([
        m.namespace,
        m.metricName,
        true,
      ]);
    }
    const names = resourceNames(environment);
    for (const m of series)
      for (const value of Object.values(m.dimensions))
        expect([
          names.api,
          names.table,
          names.errorTopic,
          ...all(environment, 'aws_sqs_queue').map((q) => q.name),
          environment,
          ...all(environment, 'aws_lambda_function').map((f) => f.function_name),
        ]).toContain(value);
  });

  it("refuses every other account's principals with the API's resource policy, and allows nothing by it", () => {
    const policy = JSON.parse(one(environment, 'aws_api_gateway_rest_api_policy').policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'OnlyThisAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((method) =>
          expect.stringMatching(new RegExp(`/\\*/${method}/\\*$`)),
        ),
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${data.aws_caller_identity.account.account_id}' } },
      },
    ]);
    // The policy takes effect with a deployment made after it.
    expect(one(environment, 'aws_api_gateway_deployment').depends_on).toContainEqual(
      expect.stringMatching(/^aws_api_gateway_rest_api_policy\./),
    );
  });

  it("tells jobs-api who operates: the operator groups' roles and the ARNs the settings name", () => {
    const jobsApi = all(environment, 'aws_lambda_function').find((f) => f.function_name === names.jobsApiFunction);
    expect(jobsApi?.environment.variables).toMatchObject({
      CALLER_IDENTITY: 'iam',
      OPERATOR_PRINCIPALS: [
        `arn:\${data.aws_partition.partition.partition}:iam::\${data.aws_caller_identity.account.account_id}:role/${invokeRoleName(environment, 'operators')}`,
        ...settings.access.operators,
      ].join(','),
    });
    const list = policyDocuments(environment)
      .flatMap((d) => d.statement)
      .find((st: any) => st.sid === 'ListJobsFromTheIndexes');
    expect(list.resources).toEqual([
      expect.stringMatching(/\/index\/by-owner-type-created$/),
      expect.stringMatching(/\/index\/by-type-created$/),
    ]);
  });

  it('has a job-events bus encrypted with our key, published to by the announcing consumer and the error handler only', () => {
    const bus = all(environment, 'aws_cloudwatch_event_bus').find((b) => b.name === names.jobEventsBus);
    expect(bus).toMatchObject({ kms_key_identifier: expect.stringMatching(/^\$\{aws_kms_key\.encryption_key_.*\.arn\}$/) });
    const publishers = policyDocuments(environment)
      .flatMap((d) => d.statement)
      .filter((st: any) => st.sid === 'PublishJobEvents');
    expect(publishers).toHaveLength(2);
    for (const grant of publishers)
      expect(grant).toMatchObject({
        actions: ['events:PutEvents'],
        resources: [expect.stringContaining('aws_cloudwatch_event_bus.job-events_bus_')],
      });
    const functions = all(environment, 'aws_lambda_function');
    const announcing = functions
      .filter((f) => f.environment.variables.JOB_EVENTS_BUS_NAME === names.jobEventsBus)
      .map((f) => f.function_name);
    expect(announcing.sort()).toEqual([names.errorHandlerFunction, consumerFunctionName(environment, settings.consumers[0])].sort());
  });

  describe('webhooks', () => {
    const queues = () => all(environment, 'aws_sqs_queue');
    it('queue finished jobs that asked to be notified, encrypted, with a dead-letter queue', () => {
      const queue = queues().find((q) => q.name === names.webhookQueue) as any;
      const deadLetters = queues().find((q) => q.name === names.webhookDeadLetters) as any;
      for (const q of [queue, deadLetters]) expect(q.kms_master_key_id).toEqual(expect.stringContaining('aws_kms_key.encryption_key'));
      expect(JSON.parse(queue.redrive_policy)).toEqual({
        deadLetterTargetArn: expect.stringContaining('webhooks_dead-letters'),
        maxReceiveCount: 20,
      });
      expect(queue.visibility_timeout_seconds).toBe(settings.functions.webhookSender.timeoutSeconds * 6);
      const rule = all(environment, 'aws_cloudwatch_event_rule').find((r) => r.name === names.webhookRule) as any;
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: [JOB_EVENTS_SOURCE],
        'detail-type': ['Job Finished'],
        detail: { job: { notify: { url: [{ exists: true }] } } },
      });
      expect(rule.event_bus_name).toEqual(expect.stringContaining('aws_cloudwatch_event_bus.job-events_bus'));
      expect(all(environment, 'aws_cloudwatch_event_target').filter((t) => t.target_id === 'webhook-queue')).toEqual([
        expect.objectContaining({
          rule: expect.stringContaining('aws_cloudwatch_event_rule.webhooks_rule'),
          arn: expect.stringContaining('aws_sqs_queue.webhooks_queue_'),
        }),
      ]);
      const enqueue = policyDocuments(environment)
        .flatMap((d) => d.statement)
        .find((st: any) => st.sid === 'TheWebhookRuleEnqueues');
      expect(enqueue).toMatchObject({
        actions: ['sqs:SendMessage'],
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        condition: [
          { test: 'ArnEquals', variable: 'aws:SourceArn', values: [expect.stringContaining('aws_cloudwatch_event_rule.webhooks_rule')] },
        ],
      });
    });

    it('sign with a KMS-encrypted secret whose later rotations no deploy undoes, read by the sender alone', () => {
      expect(one(environment, 'aws_secretsmanager_secret')).toMatchObject({ name: names.webhookSecret, kms_key_id: expect.any(String) });
      expect(one(environment, 'aws_secretsmanager_secret_version')).toMatchObject({
        secret_string: expect.stringMatching(/^[0-9a-f]{64}$/),
        lifecycle: { ignore_changes: ['secret_string'] },
      });
      const readers = policyDocuments(environment)
        .flatMap((d) => d.statement)
        .filter((st: any) => st.actions.some((a: string) => a.startsWith('secretsmanager:')));
      expect(readers).toEqual([expect.objectContaining({ sid: 'ReadTheSigningSecret', actions: ['secretsmanager:GetSecretValue'] })]);
      const sqsMapping = all(environment, 'aws_lambda_event_source_mapping').find((m) => m.event_source_arn.includes('aws_sqs_queue'));
      expect(sqsMapping).toMatchObject({ batch_size: 10, function_response_types: ['ReportBatchItemFailures'] });
    });
  });

  describe('the results bucket', () => {
    const bucketRef = '${aws_s3_bucket.results_bucket_';
    it('is named for the environment, account and region, encrypted with our key, and never public', () => {
      expect(one(environment, 'aws_s3_bucket')).toMatchObject({
        bucket: `async-jobs-${environment}-results-\${data.aws_caller_identity.account.account_id}-${settings.region}`,
        force_destroy: !settings.deletionProtection,
      });
      expect(one(environment, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.encryption_key_.*\.arn\}$/),
          },
          bucket_key_enabled: true,
        },
      ]);
      expect(one(environment, 'aws_s3_bucket_public_access_block')).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(one(environment, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      for (const type of [
        'aws_s3_bucket_server_side_encryption_configuration',
        'aws_s3_bucket_public_access_block',
        'aws_s3_bucket_policy',
      ])
        expect(one(environment, type).bucket).toEqual(expect.stringContaining(bucketRef));
    });

    it("expires each result with its job's retention, and refuses plain HTTP", () => {
      expect(one(environment, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
        expect.objectContaining({
          status: 'Enabled',
          filter: [{ prefix: 'results/' }],
          expiration: [{ days: settings.jobs.retentionDays }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        }),
      ]);
      const deny = policyDocuments(environment)
        .flatMap((d) => d.statement)
        .find((st: any) => st.sid === 'DenyPlainHttp');
      expect(deny.resources).toEqual([
        expect.stringMatching(/^\$\{aws_s3_bucket\.results_bucket_.*\.arn\}$/),
        expect.stringMatching(/^\$\{aws_s3_bucket\.results_bucket_.*\.arn\}\/\*$/),
      ]);
      expect(deny).toMatchObject({
        effect: 'Deny',
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      });
    });

    it('lets the runs put results under the prefix and jobs-api read them (for its links), nothing more', () => {
      const statements = policyDocuments(environment).flatMap((d) => d.statement);
      const s3Grants = statements.filter((st: any) => st.effect !== 'Deny' && st.actions.some((a: string) => a.startsWith('s3:')));
      expect(s3Grants.map((st: any) => [st.sid, st.actions])).toEqual(
        expect.arrayContaining([
          ['LinkToStoredResults', ['s3:GetObject']],
          ['StoreLargeResults', ['s3:PutObject']],
        ]),
      );
      // The processors' and the runner's (one statement each), and jobs-api's.
      expect(s3Grants).toHaveLength(settings.consumers.length + 2);
      for (const grant of s3Grants)
        expect(grant.resources).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.results_bucket_.*\.arn\}\/results\/\*$/)]);
      const functions = all(environment, 'aws_lambda_function');
      for (const fn of functions.filter(
        (f) => ![names.errorHandlerFunction, names.sweeperFunction, names.webhookSenderFunction].includes(f.function_name),
      ))
        expect(fn.environment.variables.RESULTS_BUCKET).toBe(one(environment, 'aws_s3_bucket').bucket);
    });
  });

  it('has no web ACL unless the environment asks for one', () => {
    expect(all(environment, 'aws_wafv2_web_acl')).toHaveLength(settings.access.waf.enabled ? 1 : 0);
  });

  it('outputs the API URL, invoke roles, table, topic, bus and archive', () => {
    expect(Object.keys(synthesized.get(environment)?.output ?? {}).sort()).toEqual(
      [
        'alarm_topic_arn',
        'api_url',
        'error_topic_arn',
        'failed_events_archive',
        'failed_events_bus',
        'invoke_role_arns',
        'table_name',
        'results_bucket',
        'job_events_bus',
        'webhook_secret_arn',
        ...(settings.access.waf.enabled ? ['web_acl_arn'] : []),
      ].sort(),
    );
  });

  describe('policy checks', () => {
    it('grants no wildcard action anywhere, and a "*" resource only where AWS requires it', () => {
      const statements = policyDocuments(environment).flatMap((d) => d.statement);
      expect(statements.length).toBeGreaterThan(10);
      for (const statement of statements) {
        // The one exception is a deny: the results bucket refuses every action over plain HTTP.
        if (statement.effect === 'Deny') {
          expect([statement.sid, statement.actions]).toEqual(['DenyPlainHttp', ['s3:*']]);
          continue;
        }
        for (const action of statement.actions) expect([statement.sid, action]).toEqual([statement.sid, expect.not.stringContaining('*')]);
        if (statement.resources.includes('*')) {
          // X-Ray has no resource-level permissions; in a key policy "*" is the key itself.
          expect([
            'SendTraces',
            'AccountAdministersThroughIam',
            'CloudWatchLogsEncryptsThisAccountsLogGroups',
            'AlarmsAndEventsPublishToEncryptedTopics',
          ]).toContain(statement.sid);
        }
      }
      for (const role of all(environment, 'aws_iam_role')) {
        const assume = JSON.parse(role.assume_role_policy);
        for (const s of assume.Statement) expect(s.Action).toBe('sts:AssumeRole');
      }
    });

    it('encrypts every table, topic and log group, and gives every log group a retention', () => {
      for (const table of all(environment, 'aws_dynamodb_table'))
        expect(table.server_side_encryption).toMatchObject({ enabled: true, kms_key_arn: expect.any(String) });
      for (const topic of all(environment, 'aws_sns_topic')) expect(topic.kms_master_key_id).toEqual(expect.any(String));
      const logGroups = all(environment, 'aws_cloudwatch_log_group');
      expect(logGroups).toHaveLength(8);
      for (const group of logGroups)
        expect(group).toMatchObject({ kms_key_id: expect.any(String), retention_in_days: settings.logRetentionDays });
    });

    it('authorizes every method with IAM', () => {
      const methods = all(environment, 'aws_api_gateway_method');
      expect(methods).toHaveLength(9);
      for (const method of methods) expect(method.authorization).toBe('AWS_IAM');
    });

    it('bounds every mapping retry and gives it an on-failure destination', () => {
      for (const mapping of streamMappings()) {
        expect(mapping.maximum_retry_attempts).toBeGreaterThanOrEqual(0);
        expect(mapping.maximum_retry_attempts).toBeLessThanOrEqual(10);
        expect(mapping.maximum_record_age_in_seconds).toBeGreaterThan(0);
        expect(mapping.destination_config.on_failure.destination_arn).toEqual(expect.any(String));
      }
    });

    it('lets services invoke functions only from the named source', () => {
      const permissions = all(environment, 'aws_lambda_permission');
      expect(permissions).toHaveLength(4);
      for (const permission of permissions) expect(permission.source_arn).toEqual(expect.any(String));
    });
  });
});

describe('environments differ where their settings do', () => {
  it('protects the prod table from deletion and gives prod more throughput and retention', () => {
    expect(one('prod', 'aws_dynamodb_table').deletion_protection_enabled).toBe(true);
    expect(one('dev', 'aws_dynamodb_table').deletion_protection_enabled).toBe(false);
    expect(all('prod', 'aws_lambda_event_source_mapping')[0].parallelization_factor).toBe(4);
    expect(one('prod', 'aws_cloudwatch_event_archive').retention_days).toBe(365);
  });

  it('leaves only the CORS preflights unauthenticated, and only when origins are configured', () => {
    const settings = deploymentSettings('dev');
    const stack = new JobsStack(Testing.app(), 'jobs-dev', {
      target: targetOf('dev'),
      settings: { ...settings, api: { ...settings.api, corsAllowedOrigins: ['https://app.example.com'] } },
      bundlesDir,
    });
    const json = JSON.parse(Testing.synth(stack));
    const methods = Object.values(json.resource.aws_api_gateway_method) as { http_method: string; authorization: string }[];
    expect(methods.filter((m) => m.authorization !== 'AWS_IAM').map((m) => m.http_method)).toEqual([
      'OPTIONS',
      'OPTIONS',
      'OPTIONS',
      'OPTIONS',
      'OPTIONS',
    ]);
    const fn = (
      Object.values(json.resource.aws_lambda_function) as { function_name: string; environment: { variables: Record<string, string> } }[]
    ).find((f) => f.function_name === 'async-jobs-dev-jobs-api');
    expect(fn?.environment.variables['CORS_ALLOWED_ORIGINS']).toBe('https://app.example.com');
    expect(all('dev', 'aws_api_gateway_method').some((m) => m.http_method === 'OPTIONS')).toBe(false); // off by default
  });

  it('refuses to synthesize a catalog whose longest run cannot fit in a Lambda invocation, naming the type', () => {
    const settings = deploymentSettings('dev');
    // A sleep limit of 800 s makes the sleep type's run limit 805 s: with lease and patience, above 900 s.
    const tooLong = { ...settings, jobs: { ...settings.jobs, sleepMaxSeconds: 800 } };
    expect(() => new JobsStack(Testing.app(), 'jobs-dev', { target: targetOf('dev'), settings: tooLong, bundlesDir })).toThrow(
      /Job type "sleep" declares a run limit of 805 s/,
    );
  });

  it('tells the subscribers the settings name: email addresses and HTTPS endpoints of the alarm topic', () => {
    const settings = deploymentSettings('prod');
    const notify = { email: ['oncall@example.com'], https: ['https://events.pagerduty.com/integration/abc/enqueue'] };
    const stack = new JobsStack(Testing.app(), 'jobs-prod', {
      target: targetOf('prod'),
      settings: { ...settings, alarms: { ...settings.alarms, notify } },
      bundlesDir,
    });
    const subscriptions = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_sns_topic_subscription) as {
      protocol: string;
      endpoint: string;
      topic_arn: string;
    }[];
    expect(subscriptions.filter((s) => s.topic_arn.includes('alarm-topic')).map((s) => [s.protocol, s.endpoint])).toEqual([
      ['email', 'oncall@example.com'],
      ['https', 'https://events.pagerduty.com/integration/abc/enqueue'],
    ]);
  });

  it('adds a failure alarm per consumer for each job type a team asked for', () => {
    const settings = deploymentSettings('dev');
    const stack = new JobsStack(Testing.app(), 'jobs-dev', {
      target: targetOf('dev'),
      settings: { ...settings, alarms: { ...settings.alarms, perJobType: ['word-count'] } },
      bundlesDir,
    });
    const alarms = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_cloudwatch_metric_alarm) as {
      alarm_name: string;
      dimensions: Record<string, string>;
    }[];
    expect(
      alarms
        .filter((a) => a.dimensions?.['jobType'] === 'word-count')
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual(['async-jobs-dev-word-count-failed-on-a', 'async-jobs-dev-word-count-failed-on-b']);
  });

  it('puts a web ACL on the stage when asked: a rate limit per client IP first, then AWS managed rule groups, none blocking the bodies the API accepts', () => {
    const settings = deploymentSettings('prod');
    const stack = new JobsStack(Testing.app(), 'jobs-prod', {
      target: targetOf('prod'),
      settings: { ...settings, access: { ...settings.access, waf: { enabled: true, requestsPerFiveMinutesPerIp: 500 } } },
      bundlesDir,
    });
    const json = JSON.parse(Testing.synth(stack));
    const acl = Object.values(json.resource.aws_wafv2_web_acl)[0] as { scope: string; default_action: unknown; rule_json: string };
    expect(acl).toMatchObject({ scope: 'REGIONAL', default_action: { allow: {} } });
    const rules = JSON.parse(acl.rule_json) as { Name: string; Priority: number; Action?: unknown; Statement: any }[];
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'rate-limit-per-ip'],
      [1, 'AWSManagedRulesCommonRuleSet'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [3, 'AWSManagedRulesAmazonIpReputationList'],
    ]);
    expect(rules[0]).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } } });
    expect(rules[1].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    const association = Object.values(json.resource.aws_wafv2_web_acl_association)[0] as { resource_arn: string; web_acl_arn: string };
    expect(association).toEqual({
      resource_arn: expect.stringContaining('aws_api_gateway_stage.'),
      web_acl_arn: expect.stringContaining('aws_wafv2_web_acl.'),
    });
    expect(Object.keys(json.output)).toContain('web_acl_arn');
    const blocked = (
      Object.values(json.resource.aws_api_gateway_gateway_response) as {
        response_type: string;
        status_code: string;
        response_templates: Record<string, string>;
      }[]
    ).find((r) => r.response_type === 'WAF_FILTERED');
    expect(blocked).toMatchObject({
      status_code: '403',
      response_templates: { 'application/json': expect.stringContaining('"code":"REQUEST_BLOCKED"') },
    });
  });

  it('makes the ARNs in access.operators operators, lets only the ARNs a group lists assume its role, and refuses a session as an operator', () => {
    const settings = deploymentSettings('staging');
    const access = {
      ...settings.access,
      groups: {
        ...settings.access.groups,
        payments: { operator: false, assumableBy: ['arn:aws:iam::123456789012:role/payments-service'] },
      },
      operators: ['arn:aws:iam::123456789012:user/oncall'],
    };
    const json = JSON.parse(
      Testing.synth(
        new JobsStack(Testing.app(), 'jobs-staging', { target: targetOf('staging'), settings: { ...settings, access }, bundlesDir }),
      ),
    );
    const functions = Object.values(json.resource.aws_lambda_function) as {
      function_name: string;
      environment: { variables: Record<string, string> };
    }[];
    const operators = functions
      .find((f) => f.function_name === resourceNames('staging').jobsApiFunction)
      ?.environment.variables['OPERATOR_PRINCIPALS'].split(',');
    expect(operators).toEqual([
      expect.stringMatching(/:role\/async-jobs-staging-operators-invoke$/),
      'arn:aws:iam::123456789012:user/oncall',
    ]);
    const roles = Object.values(json.resource.aws_iam_role) as { name: string; assume_role_policy: string }[];
    const payments = roles.find((r) => r.name === invokeRoleName('staging', 'payments'));
    expect(JSON.parse(payments?.assume_role_policy ?? '{}').Statement[0].Principal).toEqual({
      AWS: ['arn:aws:iam::123456789012:role/payments-service'],
    });

    const session = { ...access, operators: ['arn:aws:sts::123456789012:assumed-role/async-jobs-staging-callers-invoke/carol'] };
    expect(
      () =>
        new JobsStack(Testing.app(), 'jobs-staging', {
          target: targetOf('staging'),
          settings: { ...settings, access: session },
          bundlesDir,
        }),
    ).toThrow(/access.operators of staging: .* is not the ARN of an IAM user or role/);
  });

  it("lets browsers' unsigned preflights through the resource policy only when CORS is on", () => {
    const settings = deploymentSettings('dev');
    const stack = new JobsStack(Testing.app(), 'jobs-dev', {
      target: targetOf('dev'),
      settings: { ...settings, api: { ...settings.api, corsAllowedOrigins: ['https://app.example.com'] } },
      bundlesDir,
    });
    const policy = JSON.parse(
      (Object.values(JSON.parse(Testing.synth(stack)).resource.aws_api_gateway_rest_api_policy)[0] as { policy: string }).policy,
    );
    expect(policy.Statement.map((s: { Sid: string; Effect: string }) => [s.Sid, s.Effect])).toEqual([
      ['OnlyThisAccount', 'Deny'],
      ['CorsPreflights', 'Allow'],
    ]);
    expect(policy.Statement[1].Resource).toMatch(/\/dev\/OPTIONS\/\*$/);
  });

  it('points the rehearsal provider at the emulator only when asked', () => {
    const stack = new JobsStack(Testing.app(), 'jobs-rehearsal', {
      settings: deploymentSettings('rehearsal'),
      bundlesDir,
      awsEndpoint: 'http://127.0.0.1:5000',
      localStatePath: 'terraform.tfstate',
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider.aws[0]).toMatchObject({
      skip_credentials_validation: true,
      endpoints: [expect.objectContaining({ dynamodb: 'http://127.0.0.1:5000', lambda: 'http://127.0.0.1:5000' })],
    });
    expect(json.terraform.backend.local.path).toBe('terraform.tfstate');
    // moto cannot hand a REST API's resource policy back as AWS does: the rehearsal leaves it out, and only it.
    expect(json.resource.aws_api_gateway_rest_api_policy).toBeUndefined();
    expect(all('rehearsal', 'aws_api_gateway_rest_api_policy')).toHaveLength(1);
    expect(synthesized.get('dev') && JSON.stringify(synthesized.get('dev'))).not.toContain('127.0.0.1');
  });
});
