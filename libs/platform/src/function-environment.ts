import type { DeploymentSettings } from './deployment-settings';
import { resourceNames } from './deployment-settings';

/**
 * The environment variables of each function, from the deployment settings: infra sets exactly
 * these on the Lambdas, and the local runtime on its workers.
 */
export function jobsApiEnvironment(settings: DeploymentSettings): Record<string, string> {
  return {
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMERS: settings.consumers.join(','),
    JOB_RETENTION_DAYS: String(settings.jobs.retentionDays),
    MAX_BODY_BYTES: String(settings.jobs.maxBodyBytes),
    SLEEP_MAX_SECONDS: String(settings.jobs.sleepMaxSeconds),
    LOG_LEVEL: settings.logLevel,
    ...(settings.api.corsAllowedOrigins.length ? { CORS_ALLOWED_ORIGINS: settings.api.corsAllowedOrigins.join(',') } : {}),
  };
}

export function streamProcessorEnvironment(settings: DeploymentSettings, consumerId: string, errorTopicArn: string): Record<string, string> {
  return {
    JOBS_TABLE_NAME: resourceNames(settings.environment).table,
    CONSUMER_ID: consumerId,
    ERROR_TOPIC_ARN: errorTopicArn,
    SLEEP_MAX_SECONDS: String(settings.jobs.sleepMaxSeconds),
    LEASE_SECONDS: String(settings.jobs.leaseSeconds),
    OUTAGE_PATIENCE_SECONDS: String(settings.jobs.outagePatienceSeconds),
    LOG_LEVEL: settings.logLevel,
  };
}

export function errorHandlerEnvironment(settings: DeploymentSettings): Record<string, string> {
  const names = resourceNames(settings.environment);
  return {
    JOBS_TABLE_NAME: names.table,
    FAILED_EVENTS_BUS_NAME: names.failedEventsBus,
    ENVIRONMENT: settings.environment,
    CONSUMERS: settings.consumers.join(','),
    LOG_LEVEL: settings.logLevel,
  };
}
