import type { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';

/** A bucket policy that refuses every request made over plain HTTP, to the bucket and its objects. */
export function tlsOnlyBucketPolicy(scope: Construct, bucket: S3Bucket): S3BucketPolicy {
  const tlsOnly = new DataAwsIamPolicyDocument(scope, 'tls-only', {
    statement: [
      {
        sid: 'DenyPlainHttp',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        // Every S3 action: a deny needs no least privilege, and none may travel in clear.
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ],
  });
  return new S3BucketPolicy(scope, 'policy', { bucket: bucket.id, policy: tlsOnly.json });
}
