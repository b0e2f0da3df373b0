import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { tlsOnlyBucketPolicy } from './tls-only-bucket-policy';

/**
 * The account's Terraform state: versioned (every state ever written can be restored), encrypted,
 * never public, TLS only, and never destroyed by Terraform. Old versions go after 90 days.
 * Encrypted with S3's own key rather than a KMS key of ours, so that reading state needs no key
 * grant and losing a key can never lose the state.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: { name: string; emulated?: boolean }) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.name, lifecycle: { preventDestroy: true } });
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketPublicAccessBlock(this, 'no-public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'owner-enforced', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketLifecycleConfiguration(this, 'old-versions', {
      bucket,
      rule: [
        {
          id: 'forget-old-states',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    // moto ignores a policy's conditions, so this deny would refuse every request there: the rehearsal leaves it out, and only it.
    if (props.emulated) return;
    tlsOnlyBucketPolicy(this, this.bucket);
  }
}
