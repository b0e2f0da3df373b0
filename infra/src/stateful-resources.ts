/**
 * Resource types whose destruction loses something a new one cannot bring back: jobs, keys (and so
 * everything they encrypt), stored results, logs, archived failed events, the webhook secret, and
 * messages waiting in queues. Staging and prod protect them with `prevent_destroy`; the upgrade
 * rehearsal refuses a change that would replace or destroy one.
 */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'aws_dynamodb_table',
  'aws_kms_key',
  'aws_s3_bucket',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_event_archive',
  'aws_secretsmanager_secret',
  'aws_sqs_queue',
];

export function isStatefulResourceType(terraformType: string): boolean {
  return STATEFUL_RESOURCE_TYPES.includes(terraformType);
}
