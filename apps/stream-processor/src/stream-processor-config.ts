import { EnvironmentSettings, runSettingsFrom } from '@async-jobs/platform';

export type StreamProcessorConfig = ReturnType<typeof runSettingsFrom> & {
  /** Which consumer entry of each job this deployment runs. */
  consumerId: string;
  /** Set on the announcing consumer only: the job-events bus its announcements go to. */
  jobEventsBusName?: string;
};

export function loadStreamProcessorConfig(env: Record<string, string | undefined>): StreamProcessorConfig {
  const settings = new EnvironmentSettings(env);
  const [consumerId] = settings.idList('CONSUMER_ID');
  const jobEventsBusName = env['JOB_EVENTS_BUS_NAME'] || undefined;
  return { ...runSettingsFrom(settings), consumerId, ...(jobEventsBusName ? { jobEventsBusName } : {}) };
}
