import { deadlinePolicyFrom, dispatchSettingsFrom, EnvironmentSettings } from '@async-jobs/platform';

export interface StreamProcessorConfig {
  tableName: string;
  /** Which consumer entry of each job this deployment runs. */
  consumerId: string;
  errorTopicArn: string;
  sleepMaxSeconds: number;
  /** How long a claim holds without the run's heartbeat. */
  leaseSeconds: number;
  /** How long to keep trying a store or topic that is down before handing the record back. */
  outagePatienceSeconds: number;
  /** When the sweeper looks at an entry a run leaves unfinished. */
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
  /** The runner that takes runs off the stream, and how long its dispatching claims hold. */
  dispatch: { runnerFunctionName: string; dispatchLeaseMs: number };
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
    leaseSeconds: settings.integer('LEASE_SECONDS', 60, { min: 3, max: 900 }),
    outagePatienceSeconds: settings.integer('OUTAGE_PATIENCE_SECONDS', 60, { min: 0, max: 600 }),
    deadlines: deadlinePolicyFrom(settings),
    dispatch: dispatchSettingsFrom(settings),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
