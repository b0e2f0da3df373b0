import { EnvironmentSettings } from '@async-jobs/platform';

export interface StreamProcessorConfig {
  tableName: string;
  /** Which consumer entry of each job this deployment runs. */
  consumerId: string;
  errorTopicArn: string;
  sleepMaxSeconds: number;
  /** Added to the invocation's remaining time to form the claim's lease. */
  leaseMarginSeconds: number;
  logLevel: string;
}

export function loadStreamProcessorConfig(env: Record<string, string | undefined>): StreamProcessorConfig {
  const settings = new EnvironmentSettings(env);
  const [consumerId] = settings.idList('CONSUMER_ID');
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumerId,
    errorTopicArn: settings.string('ERROR_TOPIC_ARN'),
    sleepMaxSeconds: settings.integer('SLEEP_MAX_SECONDS', 300, { min: 1, max: 900 }),
    leaseMarginSeconds: settings.integer('LEASE_MARGIN_SECONDS', 10, { min: 0, max: 900 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
