import { EnvironmentSettings, runSettingsFrom } from '@async-jobs/platform';

export type JobRunnerConfig = ReturnType<typeof runSettingsFrom> & {
  /** The consumers whose runs this runner takes: an order naming another is refused. */
  consumers: string[];
};

export function loadJobRunnerConfig(env: Record<string, string | undefined>): JobRunnerConfig {
  const settings = new EnvironmentSettings(env);
  return { ...runSettingsFrom(settings), consumers: settings.idList('CONSUMERS') };
}
