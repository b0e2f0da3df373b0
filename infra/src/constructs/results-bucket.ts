import { Construct } from 'constructs';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { tlsOnlyBucketPolicy } from './tls-only-bucket-policy';
import { resultsBucketName, type DeploymentSettings } from '@async-jobs/platform';

/** Where runs put results (`results/<job>/<consumer>/<claim>.json`): the prefix grants name. */
export const RESULTS_PREFIX = 'results/';

/**
 * The results bucket: results too large for the job item. Encrypted with the project key (a bucket key keeps
 * KMS requests to a few per object batch), never public, reachable over TLS only, and emptied by a lifecycle rule
 * that expires each result with its job's retention. No versioning: every run writes a key of its own and nothing
 * overwrites a result.
 */
export class ResultsBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The ARN of the objects under the results prefix, for grants. */
  readonly objectsArn: string;

  constructor(scope: Construct, id: string, props: { settings: DeploymentSettings; accountId: string; key: KmsKey }) {
    super(scope, id);
    const { settings, key } = props;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: resultsBucketName(settings.environment, props.accountId, settings.region),
      // A protected environment keeps its results when the stack goes; others may be torn down whole.
      forceDestroy: !settings.deletionProtection,
    });
    this.objectsArn = `${this.bucket.arn}/${RESULTS_PREFIX}*`;
    new S3BucketPublicAccessBlock(this, 'no-public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'owner-enforced', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'expiry', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-with-the-jobs',
          status: 'Enabled',
          filter: [{ prefix: RESULTS_PREFIX }],
          expiration: [{ days: settings.jobs.retentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    tlsOnlyBucketPolicy(this, this.bucket);
  }
}
