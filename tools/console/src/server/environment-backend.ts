import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { JobsClient } from '@async-jobs/client';
import { deploymentSettings, resourceNames } from '@async-jobs/platform';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ConsoleBackend } from './console-types';
import { FailedEventsArchive } from './failed-events-archive';

export interface EnvironmentConsoleOptions {
  environment: string;
  /** The environment's region by default. */
  region?: string;
  /** An AWS profile; the SDK's default chain (environment, SSO, instance role…) otherwise. */
  profile?: string;
  /** The API's base URL (`terraform output api_url`); found by the API's name otherwise. */
  endpoint?: string;
  /** For tests: where API Gateway and EventBridge are (moto). */
  awsEndpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
}

/**
 * The console of a deployed environment: it signs with the user's own AWS credentials, so it shows what IAM and the
 * API's owner scoping let them see, and replays only if their role grants it (the operators' roles do).
 */
export async function environmentConsoleBackend(options: EnvironmentConsoleOptions): Promise<ConsoleBackend> {
  const settings = deploymentSettings(options.environment);
  const region = options.region ?? settings.region;
  const credentials = options.credentials ?? defaultProvider(options.profile ? { profile: options.profile } : {});
  const aws = { region, credentials, ...(options.awsEndpoint ? { endpoint: options.awsEndpoint } : {}) };
  const names = resourceNames(options.environment);
  const apiUrl = options.endpoint ?? (await findApiUrl(new APIGatewayClient(aws), names.api, settings.environment, region));
  const client = new JobsClient({ endpoint: apiUrl, region, credentials, maxAttempts: 1 });
  const identity = options.profile ?? 'default';
  return {
    environment: options.environment,
    apiUrl,
    identities: [
      { name: identity, principal: options.profile ? `AWS profile ${options.profile}` : 'the default AWS credentials of this shell' },
    ],
    clientFor: () => client,
    archive: new FailedEventsArchive(new EventBridgeClient(aws), {
      archive: names.failedEventsArchive,
      replayRule: names.replayRule,
      replayPrefix: names.consoleReplayPrefix,
    }),
  };
}

/** The stage's invoke URL of the one REST API with the environment's API name (its stage is named after the environment). */
export async function findApiUrl(apiGateway: APIGatewayClient, apiName: string, stage: string, region: string): Promise<string> {
  const found: string[] = [];
  let position: string | undefined;
  do {
    const page = await apiGateway.send(new GetRestApisCommand({ limit: 500, ...(position ? { position } : {}) }));
    for (const api of page.items ?? []) if (api.name === apiName && api.id) found.push(api.id);
    position = page.position;
  } while (position);
  if (found.length === 0)
    throw new Error(
      `No REST API named ${apiName} in ${region}: deploy the environment, or give --endpoint (terraform output -raw api_url)`,
    );
  if (found.length > 1)
    throw new Error(`${found.length} REST APIs are named ${apiName} in ${region} (${found.join(', ')}): give --endpoint to pick one`);
  return `https://${found[0]}.execute-api.${region}.amazonaws.com/${stage}`;
}
