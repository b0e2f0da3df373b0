const ENDPOINT_SERVICES = [
  'apigateway',
  'cloudwatch',
  'logs',
  'dynamodb',
  'events',
  'iam',
  'kms',
  'lambda',
  's3',
  'sns',
  'secretsmanager',
  'sqs',
  'sts',
  'wafv2',
  'xray',
] as const;

/**
 * The AWS provider's settings that point every API a stack uses at one emulator (moto) with dummy
 * credentials. A stack that names its allowed account asks the emulator who it is (moto answers
 * 123456789012), so that the guard is exercised too.
 */
export function emulatedProviderSettings(endpoint: string, options: { checksAccount?: boolean } = {}) {
  return {
    accessKey: 'rehearsal',
    secretKey: 'rehearsal',
    skipCredentialsValidation: true,
    skipRequestingAccountId: !options.checksAccount,
    skipMetadataApiCheck: 'true',
    // moto serves buckets by path, not by a host name per bucket.
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(ENDPOINT_SERVICES.map((service) => [service, endpoint]))],
  };
}
