import type { DeploymentSettings } from './deployment-settings';
import type { EnvironmentSettings } from './environment-settings';
import { announcingConsumer, operatorPrincipals, resourceNames, resultsBucketName } from './deployment-settings';

/** When an unfinished entry is due for the sweeper: read back by `deadlinePolicyFrom`. */
function deadlineEnvironment(settings: DeploymentSettings): Record<string, string> {
  return {
    DEADLINE_PICKUP_SECONDS: String(settings.stream.maximumRecordAgeSeconds),
    DEADLINE_MARGIN_SECONDS: String(settings.sweeper.marginSeconds),
    DEADLINE_HAND_OVER_SECONDS: String(settings.sweeper.handOverGraceSeconds),
  };
}

/** The deadline policy a function was deployed with (see `DeadlinePolicy` in the domain). */
export function deadlinePolicyFrom(settings: EnvironmentSettings): { pickupMs: number; marginMs: number; handOverMs: number } {
  return {
    pickupMs: settings.integer('DEADLINE_PICKUP_SECONDS', 3600, { min: 60, max: 604_800 }) * 1000,
    marginMs: settings.integer('DEADLINE_MARGIN_SECONDS', 120, { min: 1, max: 3600 }) * 1000,
    handOverMs: settings.integer('DEADLINE_HAND_OVER_SECONDS', 600, { min: 1, max: 86_400 }) * 1000,
  };
}

/**
 * The environment variables of each function, from the deployment settings: infra sets exactly
 * these on the Lambdas, and the local runtime on its workers.
 */
export function jobsApiEnvironment(
  settings: DeploymentSettings,
  access: { accountId: string; partition?: string; callerIdentity: 'iam' | 'anonymous' },
): Record<string, string> {
  return {
    ...deadlineEnvironment(settings),
    CALLER_IDENTITY: access.callerIdentity,
    OPERATOR_PRINCIPALS: operatorPrincipals(settings, access.accountId, access.partition).join(','),
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMERS: settings.consumers.join(','),
    JOB_RETENTION_DAYS: String(settings.jobs.retentionDays),
    MAX_BODY_BYTES: String(settings.jobs.maxBodyBytes),
    RESULTS_BUCKET: resultsBucketName(settings.environment, access.accountId, settings.region),
    RESULT_URL_EXPIRY_SECONDS: String(settings.results.urlExpirySeconds),
    ...webhookPolicyEnvironment(settings),
    SLEEP_MAX_SECONDS: String(settings.jobs.sleepMaxSeconds),
    LOG_LEVEL: settings.logLevel,
    ...(settings.api.corsAllowedOrigins.length ? { CORS_ALLOWED_ORIGINS: settings.api.corsAllowedOrigins.join(',') } : {}),
  };
}

export function streamProcessorEnvironment(
  settings: DeploymentSettings,
  consumerId: string,
  errorTopicArn: string,
  accountId: string,
): Record<string, string> {
  return {
    ...deadlineEnvironment(settings),
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMER_ID: consumerId,
    ERROR_TOPIC_ARN: errorTopicArn,
    RESULTS_BUCKET: resultsBucketName(settings.environment, accountId, settings.region),
    SLEEP_MAX_SECONDS: String(settings.jobs.sleepMaxSeconds),
    LEASE_SECONDS: String(settings.jobs.leaseSeconds),
    OUTAGE_PATIENCE_SECONDS: String(settings.jobs.outagePatienceSeconds),
    ...dispatchEnvironment(settings),
    ...(consumerId === announcingConsumer(settings) ? { JOB_EVENTS_BUS_NAME: resourceNames(settings.environment).jobEventsBus } : {}),
    LOG_LEVEL: settings.logLevel,
  };
}

/** Where runs go off the stream, and how long a dispatching claim holds: read back by `dispatchSettingsFrom`. */
function dispatchEnvironment(settings: DeploymentSettings): Record<string, string> {
  return {
    RUNNER_FUNCTION_NAME: resourceNames(settings.environment).runnerFunction,
    DISPATCH_LEASE_SECONDS: String(dispatchLeaseSeconds(settings)),
  };
}

/** A dispatching claim covers the runner's queue (an order waits at most its maximum event age), then a lease. */
export function dispatchLeaseSeconds(settings: Pick<DeploymentSettings, 'runner' | 'jobs'>): number {
  return settings.runner.maximumEventAgeSeconds + settings.jobs.leaseSeconds;
}

export function dispatchSettingsFrom(settings: EnvironmentSettings): { runnerFunctionName: string; dispatchLeaseMs: number } {
  return {
    runnerFunctionName: settings.string('RUNNER_FUNCTION_NAME'),
    dispatchLeaseMs: settings.integer('DISPATCH_LEASE_SECONDS', 3660, { min: 60, max: 21_700 }) * 1000,
  };
}

/** The runner: a processor of every consumer's dispatched runs (the order names its consumer). */
export function jobRunnerEnvironment(settings: DeploymentSettings, errorTopicArn: string, accountId: string): Record<string, string> {
  return {
    ...deadlineEnvironment(settings),
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMERS: settings.consumers.join(','),
    ERROR_TOPIC_ARN: errorTopicArn,
    RESULTS_BUCKET: resultsBucketName(settings.environment, accountId, settings.region),
    SLEEP_MAX_SECONDS: String(settings.jobs.sleepMaxSeconds),
    LEASE_SECONDS: String(settings.jobs.leaseSeconds),
    OUTAGE_PATIENCE_SECONDS: String(settings.jobs.outagePatienceSeconds),
    ...dispatchEnvironment(settings),
    LOG_LEVEL: settings.logLevel,
  };
}

/** Which notify URLs are accepted (jobs-api) and called (the webhook sender): read back by `webhookPolicyFrom`. */
function webhookPolicyEnvironment(settings: DeploymentSettings): Record<string, string> {
  return {
    WEBHOOK_ALLOWED_HOSTS: settings.webhooks.allowedHosts.join(','),
    WEBHOOK_ALLOW_LOOPBACK_HTTP: String(settings.webhooks.allowLoopbackHttp),
  };
}

export function webhookPolicyFrom(env: Record<string, string | undefined>): { allowedHosts: string[]; allowLoopbackHttp: boolean } {
  return {
    allowedHosts: (env['WEBHOOK_ALLOWED_HOSTS'] ?? '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
    allowLoopbackHttp: env['WEBHOOK_ALLOW_LOOPBACK_HTTP'] === 'true',
  };
}

/** The webhook sender: the policy again (the allow-list may change after a submit), its secret and its hour. */
export function webhookSenderEnvironment(settings: DeploymentSettings, queueUrl: string): Record<string, string> {
  const names = resourceNames(settings.environment);
  return {
    ...webhookPolicyEnvironment(settings),
    WEBHOOK_SECRET_ID: names.webhookSecret,
    WEBHOOK_QUEUE_URL: queueUrl,
    WEBHOOK_MAX_AGE_SECONDS: String(settings.webhooks.maxAgeSeconds),
    WEBHOOK_FIRST_RETRY_SECONDS: String(settings.webhooks.firstRetrySeconds),
    LOG_LEVEL: settings.logLevel,
  };
}

/**
 * The outage patience of a function that answers an asynchronous event (the error handler, the
 * sweeper): a third of its timeout at most, enough to retry a write whose answer was lost with the
 * same token, while Lambda's own retries cover longer outages.
 */
function shortPatience(settings: DeploymentSettings, timeoutSeconds: number): string {
  return String(Math.min(settings.jobs.outagePatienceSeconds, Math.floor(timeoutSeconds / 3)));
}

export function errorHandlerEnvironment(settings: DeploymentSettings): Record<string, string> {
  const names = resourceNames(settings.environment);
  return {
    OUTAGE_PATIENCE_SECONDS: shortPatience(settings, settings.functions.errorHandler.timeoutSeconds),
    JOBS_TABLE_NAME: names.table,
    FAILED_EVENTS_BUS_NAME: names.failedEventsBus,
    // A failed range of the announcing consumer's mapping may hold announcements: the error handler publishes them.
    JOB_EVENTS_BUS_NAME: names.jobEventsBus,
    ENVIRONMENT: settings.environment,
    CONSUMERS: settings.consumers.join(','),
    LOG_LEVEL: settings.logLevel,
  };
}

export function jobSweeperEnvironment(settings: DeploymentSettings): Record<string, string> {
  return {
    ...deadlineEnvironment(settings),
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMERS: settings.consumers.join(','),
    OUTAGE_PATIENCE_SECONDS: shortPatience(settings, settings.functions.jobSweeper.timeoutSeconds),
    LOG_LEVEL: settings.logLevel,
  };
}

/** What every function that runs jobs reads alike (the stream processor, the runner): read back from its environment. */
export function runSettingsFrom(settings: EnvironmentSettings) {
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    errorTopicArn: settings.string('ERROR_TOPIC_ARN'),
    resultsBucket: settings.string('RESULTS_BUCKET'),
    /** The longest sleep one run may take. */
    sleepMaxSeconds: settings.integer('SLEEP_MAX_SECONDS', 300, { min: 1, max: 900 }),
    /** How long a claim holds without the run's heartbeat. */
    leaseSeconds: settings.integer('LEASE_SECONDS', 60, { min: 3, max: 900 }),
    /** How long to keep trying a store or topic that is down before giving the work back. */
    outagePatienceSeconds: settings.integer('OUTAGE_PATIENCE_SECONDS', 60, { min: 0, max: 600 }),
    /** When the sweeper looks at an entry a run leaves unfinished. */
    deadlines: deadlinePolicyFrom(settings),
    /** The runner that takes runs off the stream, and how long its dispatching claims hold. */
    dispatch: dispatchSettingsFrom(settings),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
