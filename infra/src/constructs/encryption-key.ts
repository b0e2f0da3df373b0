import { Construct } from 'constructs';
import type { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

/** Spelled out rather than `kms:*`: no wildcard action anywhere, key policies included. */
const KEY_ADMINISTRATION_AND_USE = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:ListAliases',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListGrants',
  'kms:CreateGrant',
  'kms:RevokeGrant',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/**
 * The customer-managed key that encrypts the environment's data at rest: the table, the topics
 * and the log groups. Rotation on. The account administers it through IAM; CloudWatch Logs, SNS
 * and EventBridge may use it for this account's resources only.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(
    scope: Construct,
    id: string,
    props: { name: string; region: string; account: DataAwsCallerIdentity; deletionWindowDays: number },
  ) {
    super(scope, id);
    const accountId = props.account.accountId;
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'AccountAdministersThroughIam',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${accountId}:root`] }],
          actions: KEY_ADMINISTRATION_AND_USE,
          // In a key policy "*" means this key: AWS requires it there.
          resources: ['*'],
        },
        {
          sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
          principals: [{ type: 'Service', identifiers: [`logs.${props.region}.amazonaws.com`] }],
          actions: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:DescribeKey',
          ],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:aws:logs:${props.region}:${accountId}:log-group:*`],
            },
          ],
        },
        {
          sid: 'AlarmsAndEventsPublishToEncryptedTopics',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] }],
        },
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts ${props.name} data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays,
      policy: policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }
}
