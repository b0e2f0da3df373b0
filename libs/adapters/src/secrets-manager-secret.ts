import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/**
 * A secret's current value from Secrets Manager, kept for `cacheMs`: a rotation (put-secret-value) is picked up
 * within that long, and a busy sender reads it once, not per delivery.
 */
export function secretsManagerSecret(
  source: ClientSource<SdkClient<typeof SecretsManager, SecretsManagerClient>>,
  secretId: string,
  options: { cacheMs?: number; now?: () => number } = {},
): () => Promise<string> {
  const sdk = clientFrom(source);
  const cacheMs = options.cacheMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { value: string; at: number } | undefined;
  return async () => {
    if (cached && now() - cached.at < cacheMs) return cached.value;
    const { client, module } = await sdk();
    const { SecretString } = await client.send(new module.GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`The secret ${secretId} has no string value`);
    cached = { value: SecretString, at: now() };
    return SecretString;
  };
}
