import { deadlinePolicyFrom, EnvironmentSettings } from '@async-jobs/platform';

export interface JobSweeperConfig {
  tableName: string;
  /** Every consumer whose entries it sweeps. */
  consumers: string[];
  deadlines: { pickupMs: number; marginMs: number; handOverMs: number };
  logLevel: string;
}

export function loadJobSweeperConfig(env: Record<string, string | undefined>): JobSweeperConfig {
  const settings = new EnvironmentSettings(env);
  return {
    tableName: settings.string('JOBS_TABLE_NAME'),
    consumers: settings.idList('CONSUMERS'),
    deadlines: deadlinePolicyFrom(settings),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
