import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';

/**
 * Where a stack keeps its state: local files (`terraform.jobs-<env>.tfstate`, cdktf's default)
 * unless ASYNC_JOBS_STATE_BUCKET names an S3 bucket; then S3, encrypted, with a DynamoDB lock
 * table when ASYNC_JOBS_STATE_LOCK_TABLE is set.
 */
export function configureStateBackend(
  stack: TerraformStack,
  stackName: string,
  env: Record<string, string | undefined>,
  localStatePath?: string,
): 'local' | 's3' {
  const bucket = env['ASYNC_JOBS_STATE_BUCKET'];
  if (!bucket) {
    // A relative path keeps the state beside the synthesized stack (the rehearsal's throwaway folder).
    if (localStatePath) new LocalBackend(stack, { path: localStatePath });
    return 'local';
  }
  new S3Backend(stack, {
    bucket,
    key: `${env['ASYNC_JOBS_STATE_PREFIX'] ?? 'async-jobs'}/${stackName}.tfstate`,
    region: env['ASYNC_JOBS_STATE_REGION'] ?? env['AWS_REGION'] ?? 'eu-west-1',
    encrypt: true,
    ...(env['ASYNC_JOBS_STATE_LOCK_TABLE'] ? { dynamodbTable: env['ASYNC_JOBS_STATE_LOCK_TABLE'] } : {}),
  });
  return 's3';
}
