import { deadlinePolicyFrom, EnvironmentSettings } from '@async-jobs/platform';

export interface JobSweeperConfig {
  tableName: string;
  /** Every consumer whose entries it sweeps. */
  consumers: string[];
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
  /** How long it retries the store within one sweep (a write whose answer was lost, a short outage). */
  outagePatienceSeconds: number;
  logLevel: string;
}

export function loadJobSweeperConfig(env: Record<string, string | undefined>): JobSweeperConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumers: settings.idList('CONSUMERS'),
    deadlines: deadlinePolicyFrom(settings),
    outagePatienceSeconds: settings.integer('OUTAGE_PATIENCE_SECONDS', 20, { min: 0, max: 300 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
