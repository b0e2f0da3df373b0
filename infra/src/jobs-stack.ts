import { join } from 'node:path';
import { Construct } from 'constructs';
import { Aspects, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { submitJobRequestModel } from '@async-jobs/domain';
import { jobCatalog } from '@async-jobs/job-catalog';
import {
  announcingConsumer,
  JOBS_BY_OWNER_INDEX,
  JOBS_BY_TYPE_INDEX,
  jobsApiEnvironment,
  resourceNames,
  streamProcessorTimeoutSeconds,
  type DeploymentSettings,
} from '@async-jobs/platform';
import { EncryptionKey } from './constructs/encryption-key';
import { ErrorHandling } from './constructs/error-handling';
import { JobEventsBus } from './constructs/job-events-bus';
import { JobsFunction } from './constructs/jobs-function';
import { JobRunner } from './constructs/job-runner';
import { JobSweeper } from './constructs/job-sweeper';
import { JobsRestApi } from './constructs/jobs-rest-api';
import { JobsTable } from './constructs/jobs-table';
import { OperatorReplayGrant } from './constructs/operator-replay-grant';
import { Operations } from './constructs/operations';
import { ResultsBucket } from './constructs/results-bucket';
import { Webhooks } from './constructs/webhooks';
import { StreamConsumer } from './constructs/stream-consumer';
import { DEPLOY_TARGETS_FILE, isDeployedEnvironment, type DeployTarget } from './deploy-targets';
import { emulatedProviderSettings } from './emulated-provider';
import { ProtectStatefulResources } from './protect-stateful-resources';
import { configureStateBackend } from './state-backend';

export interface JobsStackOptions {
  settings: DeploymentSettings;
  /** `dist/apps`: the `nx build` output of the three apps. */
  bundlesDir: string;
  /** Point every AWS API at one endpoint (moto, for the rehearsal) with dummy credentials. */
  awsEndpoint?: string;
  /**
   * Where a deployed environment (dev, staging, prod) lives: its account, which the provider refuses
   * to leave, and its state bucket. Required for those; local and the rehearsal have none.
   */
  target?: DeployTarget;
  /** Local and rehearsal: local state at this path relative to the stack's folder, instead of cdktf's default beside cdktf.json. */
  localStatePath?: string;
}

/** One environment of async-jobs: `jobs-<env>`, built from that environment's settings. */
export class JobsStack extends TerraformStack {
  readonly table: JobsTable;
  readonly results: ResultsBucket;
  readonly jobEvents: JobEventsBus;
  readonly webhooks: Webhooks;
  readonly errorHandling: ErrorHandling;
  readonly consumers: StreamConsumer[];
  readonly runner: JobRunner;
  readonly jobsApi: JobsFunction;
  readonly restApi: JobsRestApi;
  readonly sweeper: JobSweeper;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, options: JobsStackOptions) {
    super(scope, id);
    const { settings, bundlesDir } = options;
    const names = resourceNames(settings.environment);
    const { target } = options;
    if (isDeployedEnvironment(settings.environment)) {
      if (!target) throw new Error(`${id} has no deploy target: set ${DEPLOY_TARGETS_FILE}: environments.${settings.environment}`);
      if (target.environment !== settings.environment) throw new Error(`${id} was given the deploy target of ${target.environment}`);
    } else if (target) {
      throw new Error(`${id} deploys nowhere (${settings.environment}) but was given a deploy target`);
    }
    configureStateBackend(this, target ? { backend: 's3', target: target.state } : { backend: 'local', path: options.localStatePath });
    new AwsProvider(this, 'aws', {
      region: settings.region,
      // Credentials for any other account stop terraform before it reads or changes anything.
      ...(target ? { allowedAccountIds: [target.accountId] } : {}),
      defaultTags: [{ tags: { service: 'async-jobs', environment: settings.environment, 'managed-by': 'cdktf' } }],
      ...(options.awsEndpoint ? emulatedProviderSettings(options.awsEndpoint) : {}),
    });
    const account = new DataAwsCallerIdentity(this, 'account');
    // aws, aws-cn or aws-us-gov: the ARNs we build must be the ones IAM hands callers.
    const { partition } = new DataAwsPartition(this, 'partition');
    const { key } = new EncryptionKey(this, 'encryption', {
      name: names.table,
      region: settings.region,
      account,
      deletionWindowDays: settings.deletionProtection ? 30 : 7,
    });

    this.table = new JobsTable(this, 'jobs-table', {
      name: names.table,
      consumers: settings.consumers,
      key,
      deletionProtection: settings.deletionProtection,
    });
    this.results = new ResultsBucket(this, 'results', { settings, accountId: account.accountId, key });
    this.jobEvents = new JobEventsBus(this, 'job-events', { settings, key });
    const registry = jobCatalog({ sleepMaxSeconds: settings.jobs.sleepMaxSeconds });
    // Synth stops here, naming the type, when a run limit cannot fit Lambda's 900 s.
    const processorTimeoutSeconds = streamProcessorTimeoutSeconds(settings.jobs, registry.longestRun());
    const emulated = options.awsEndpoint !== undefined;
    this.errorHandling = new ErrorHandling(this, 'error-handling', {
      settings,
      bundleDir: join(bundlesDir, 'error-handler'),
      table: this.table.table,
      jobEventsBusArn: this.jobEvents.bus.arn,
      key,
      emulated,
    });
    this.runner = new JobRunner(this, 'job-runner', {
      settings,
      timeoutSeconds: processorTimeoutSeconds,
      bundleDir: join(bundlesDir, 'job-runner'),
      table: this.table.table,
      errorTopic: this.errorHandling.topic,
      resultObjectsArn: this.results.objectsArn,
      key,
      region: settings.region,
      accountId: account.accountId,
      partition,
      emulated,
    });
    this.consumers = settings.consumers.map(
      (consumerId) =>
        new StreamConsumer(this, `consumer-${consumerId}`, {
          consumerId,
          settings,
          timeoutSeconds: processorTimeoutSeconds,
          bundleDir: join(bundlesDir, 'stream-processor'),
          table: this.table.table,
          errorTopic: this.errorHandling.topic,
          runnerArn: this.runner.arn,
          resultObjectsArn: this.results.objectsArn,
          accountId: account.accountId,
          ...(consumerId === announcingConsumer(settings) ? { jobEventsBusArn: this.jobEvents.bus.arn } : {}),
          key,
          emulated,
        }),
    );
    this.jobsApi = new JobsFunction(this, 'jobs-api', {
      name: names.jobsApiFunction,
      bundleDir: join(bundlesDir, 'jobs-api'),
      settings: settings.functions.jobsApi,
      environment: jobsApiEnvironment(settings, { accountId: account.accountId, partition, callerIdentity: 'iam' }),
      logRetentionDays: settings.logRetentionDays,
      key,
      emulated,
      grants: [
        // Submit is a conditional put, reads are strongly consistent gets, cancel a conditional update.
        {
          sid: 'SubmitReadAndCancelJobs',
          actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
          resources: [this.table.table.arn],
        },
        // A caller's own jobs from the owners' index; an operator's listing of every owner from the types' index.
        {
          sid: 'ListJobsFromTheIndexes',
          actions: ['dynamodb:Query'],
          resources: [
            `${this.table.table.arn}/index/${JOBS_BY_OWNER_INDEX.name}`,
            `${this.table.table.arn}/index/${JOBS_BY_TYPE_INDEX.name}`,
          ],
        },
        // Its links to stored results are signed with this role: S3 checks the role's read (and the key's decrypt) when fetched.
        { sid: 'LinkToStoredResults', actions: ['s3:GetObject'], resources: [this.results.objectsArn] },
        { sid: 'UseTheDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.arn] },
      ],
    });
    this.sweeper = new JobSweeper(this, 'job-sweeper', {
      settings,
      bundleDir: join(bundlesDir, 'job-sweeper'),
      table: this.table.table,
      key,
      emulated,
    });
    this.restApi = new JobsRestApi(this, 'rest-api', {
      settings,
      requestModel: submitJobRequestModel(registry),
      handler: this.jobsApi,
      key,
      accountId: account.accountId,
      partition,
      emulated,
    });
    this.webhooks = new Webhooks(this, 'webhooks', {
      settings,
      bundleDir: join(bundlesDir, 'webhook-sender'),
      jobEventsBusName: this.jobEvents.bus.name,
      key,
      emulated,
    });
    new OperatorReplayGrant(this, 'operator-replay', {
      environment: settings.environment,
      roles: Object.fromEntries(Object.entries(this.restApi.access.roles).filter(([group]) => settings.access.groups[group]?.operator)),
      archiveArn: this.errorHandling.archive.arn,
      region: settings.region,
      accountId: account.accountId,
      partition,
    });
    this.operations = new Operations(this, 'operations', { settings, key, region: settings.region, processorTimeoutSeconds });
    if (settings.deletionProtection) Aspects.of(this).add(new ProtectStatefulResources());

    new TerraformOutput(this, 'api_url', {
      value: this.restApi.stage.invokeUrl,
      description: 'Base URL of the jobs API (SigV4, service execute-api)',
    });
    new TerraformOutput(this, 'invoke_role_arns', {
      value: Object.fromEntries(Object.entries(this.restApi.access.roles).map(([group, role]) => [group, role.arn])),
      description: "Per group of callers, the role to assume to call the API (an operator group's sees every job)",
    });
    if (this.restApi.firewall) new TerraformOutput(this, 'web_acl_arn', { value: this.restApi.firewall.webAcl.arn });
    new TerraformOutput(this, 'table_name', { value: this.table.table.name });
    new TerraformOutput(this, 'results_bucket', { value: this.results.bucket.bucket });
    new TerraformOutput(this, 'webhook_secret_arn', {
      value: this.webhooks.secret.arn,
      description: "The webhooks' signing secret: receivers verify signatures with its value",
    });
    new TerraformOutput(this, 'job_events_bus', { value: this.jobEvents.bus.name, description: 'Add rules here to receive job events' });
    new TerraformOutput(this, 'error_topic_arn', { value: this.errorHandling.topic.arn });
    new TerraformOutput(this, 'failed_events_bus', { value: this.errorHandling.bus.name });
    new TerraformOutput(this, 'failed_events_archive', { value: this.errorHandling.archive.name });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.operations.alarmTopic.arn });
  }
}
