import * as SecretsManager from '@aws-sdk/client-secrets-manager';
import * as Sqs from '@aws-sdk/client-sqs';
import { FetchWebhookSender, sdkTimeouts, secretsManagerSecret, SqsRetryScheduler } from '@async-jobs/adapters';
import { systemClock } from '@async-jobs/domain';
import { createLogger, Metrics, wiredOnFirstUse } from '@async-jobs/platform';
import { loadWebhookSenderConfig } from './webhook-sender-config';
import { createWebhookSenderHandler } from './webhook-sender-handler';

/** The environment's handler: its clients, adapters and settings, wired once per execution environment. */
function wire(): ReturnType<typeof createWebhookSenderHandler> {
  const config = loadWebhookSenderConfig(process.env);
  return createWebhookSenderHandler({
    logger: createLogger({ service: 'webhook-sender', level: config.logLevel }),
    metrics: new Metrics({ service: 'webhook-sender' }),
    sender: new FetchWebhookSender(),
    secret: secretsManagerSecret(
      { module: SecretsManager, client: new SecretsManager.SecretsManagerClient(sdkTimeouts('background')) },
      config.secretId,
    ),
    clock: systemClock,
    policy: config.policy,
    maxAgeSeconds: config.maxAgeSeconds,
    firstRetrySeconds: config.firstRetrySeconds,
    retries: new SqsRetryScheduler({ module: Sqs, client: new Sqs.SQSClient(sdkTimeouts('background')) }, config.queueUrl),
  });
}

export const handler = wiredOnFirstUse(wire);
