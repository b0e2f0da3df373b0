import { EnvironmentSettings, runSettingsFrom } from '@async-jobs/platform';

export type StreamProcessorConfig = ReturnType<typeof runSettingsFrom> & {
  /** Which consumer entry of each job this deployment runs. */
  consumerId: string;
};

export function loadStreamProcessorConfig(env: Record<string, string | undefined>): StreamProcessorConfig {
  const settings = new EnvironmentSettings(env);
  const [consumerId] = settings.idList('CONSUMER_ID');
  return { ...runSettingsFrom(settings), consumerId };
}
