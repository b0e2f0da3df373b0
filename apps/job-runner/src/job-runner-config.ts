import { deadlinePolicyFrom, dispatchSettingsFrom, EnvironmentSettings } from '@async-jobs/platform';

export interface JobRunnerConfig {
  tableName: string;
  /** The consumers whose runs this runner takes: an order naming another is refused. */
  consumers: string[];
  errorTopicArn: string;
  sleepMaxSeconds: number;
  leaseSeconds: number;
  outagePatienceSeconds: number;
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
  /** Itself, for a retry's order, and how long a dispatching claim holds. */
  dispatch: { runnerFunctionName: string; dispatchLeaseMs: number };
  logLevel: string;
}

export function loadJobRunnerConfig(env: Record<string, string | undefined>): JobRunnerConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumers: settings.idList('CONSUMERS'),
    errorTopicArn: settings.string('ERROR_TOPIC_ARN'),
    sleepMaxSeconds: settings.integer('SLEEP_MAX_SECONDS', 300, { min: 1, max: 900 }),
    leaseSeconds: settings.integer('LEASE_SECONDS', 60, { min: 3, max: 900 }),
    outagePatienceSeconds: settings.integer('OUTAGE_PATIENCE_SECONDS', 60, { min: 0, max: 600 }),
    deadlines: deadlinePolicyFrom(settings),
    dispatch: dispatchSettingsFrom(settings),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
