import { EnvironmentSettings } from '@async-jobs/platform';

export interface ErrorHandlerConfig {
  tableName: string;
  failedEventsBusName: string;
  /** Where the announcements found in a failed range go. */
  jobEventsBusName: string;
  /** The deployment's environment, which names the consumer functions (`async-jobs-<env>-processor-<id>`). */
  environment: string;
  consumers: string[];
  /** How long it retries the store within one invocation (a write whose answer was lost, a short outage). */
  outagePatienceSeconds: number;
  logLevel: string;
}

export function loadErrorHandlerConfig(env: Record<string, string | undefined>): ErrorHandlerConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    failedEventsBusName: settings.string('FAILED_EVENTS_BUS_NAME'),
    jobEventsBusName: settings.string('JOB_EVENTS_BUS_NAME'),
    environment: settings.string('ENVIRONMENT'),
    consumers: settings.idList('CONSUMERS'),
    outagePatienceSeconds: settings.integer('OUTAGE_PATIENCE_SECONDS', 20, { min: 0, max: 300 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
