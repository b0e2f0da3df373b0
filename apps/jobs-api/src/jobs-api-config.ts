import { EnvironmentSettings } from '@async-jobs/platform';

export interface JobsApiConfig {
  tableName: string;
  /** Every consumer that runs each job; must match the deployed stream processors. */
  consumers: string[];
  retentionDays: number;
  /** Request bodies above this are refused with 413 (API Gateway's own limit is 10 MB). */
  maxBodyBytes: number;
  sleepMaxSeconds: number;
  logLevel: string;
}

export function loadJobsApiConfig(env: Record<string, string | undefined>): JobsApiConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumers: settings.idList('CONSUMERS'),
    retentionDays: settings.integer('JOB_RETENTION_DAYS', 30, { min: 1, max: 3650 }),
    maxBodyBytes: settings.integer('MAX_BODY_BYTES', 16 * 1024, { min: 256, max: 1024 * 1024 }),
    sleepMaxSeconds: settings.integer('SLEEP_MAX_SECONDS', 300, { min: 1, max: 900 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
