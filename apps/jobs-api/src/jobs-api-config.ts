import { ConfigurationError, deadlinePolicyFrom, EnvironmentSettings } from '@async-jobs/platform';

export interface JobsApiConfig {
  tableName: string;
  /** Every consumer that runs each job; must match the deployed stream processors. */
  consumers: string[];
  retentionDays: number;
  /** Request bodies above this are refused with 413 (API Gateway's own limit is 10 MB). */
  maxBodyBytes: number;
  sleepMaxSeconds: number;
  logLevel: string;
  /** Browser origins allowed to call the API; empty: CORS off. */
  corsAllowedOrigins: string[];
  /** When the sweeper looks at an entry no run claims. */
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
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
    corsAllowedOrigins: corsOrigins(env['CORS_ALLOWED_ORIGINS']),
    deadlines: deadlinePolicyFrom(settings),
  };
}

/** `https://app.example.com,http://localhost:5173`, or `*` for any origin. */
function corsOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const bad = origins.find((o) => o !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o));
  if (bad) throw new ConfigurationError(`Environment variable CORS_ALLOWED_ORIGINS: "${bad}" is not an origin such as https://app.example.com`);
  return origins;
}
