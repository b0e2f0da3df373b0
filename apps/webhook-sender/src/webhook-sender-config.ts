import type { WebhookPolicy } from '@async-jobs/domain';
import { EnvironmentSettings, webhookPolicyFrom } from '@async-jobs/platform';

export interface WebhookSenderConfig {
  policy: WebhookPolicy;
  secretId: string;
  /** The webhook queue, whose messages' visibility schedules the retries. */
  queueUrl: string;
  maxAgeSeconds: number;
  firstRetrySeconds: number;
  logLevel: string;
}

export function loadWebhookSenderConfig(env: Record<string, string | undefined>): WebhookSenderConfig {
  const settings = new EnvironmentSettings(env);
  return {
    policy: webhookPolicyFrom(env),
    secretId: settings.string('WEBHOOK_SECRET_ID'),
    queueUrl: settings.string('WEBHOOK_QUEUE_URL'),
    maxAgeSeconds: settings.integer('WEBHOOK_MAX_AGE_SECONDS', 3600, { min: 60, max: 86_400 }),
    firstRetrySeconds: settings.integer('WEBHOOK_FIRST_RETRY_SECONDS', 30, { min: 1, max: 900 }),
    logLevel: settings.string('LOG_LEVEL', 'info'),
  };
}
