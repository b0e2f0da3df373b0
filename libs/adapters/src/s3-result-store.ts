import type { S3Client } from '@aws-sdk/client-s3';
import type * as S3 from '@aws-sdk/client-s3';
import { resultKey, type ResultStore, type StoredResult } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/**
 * Puts results too large for the job item into the environment's results bucket, in one PUT. The bucket encrypts
 * them with the project key by default and expires them with the jobs' retention.
 */
export class S3ResultStore implements ResultStore {
  private readonly s3: () => Promise<SdkClient<typeof S3, S3Client>>;

  /** `s3`: the client and its module, or their loader (a large result is the rare path: loaded at the first one). */
  constructor(
    s3: ClientSource<SdkClient<typeof S3, S3Client>>,
    private readonly bucket: string,
  ) {
    this.s3 = clientFrom(s3);
  }

  async put(result: {
    jobId: string;
    consumerId: string;
    claimToken: string;
    body: Uint8Array;
    contentType: string;
  }): Promise<StoredResult> {
    const { client, module } = await this.s3();
    const key = resultKey(result);
    await client.send(
      new module.PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: result.body,
        ContentType: result.contentType,
        ContentLength: result.body.byteLength,
        Metadata: { 'job-id': result.jobId, 'consumer-id': result.consumerId },
      }),
    );
    return { key, bytes: result.body.byteLength, contentType: result.contentType };
  }
}

/** A custom endpoint (moto locally, or any S3-compatible store) is addressed by path, not by a bucket's host name. */
export function s3ClientOptions(env: Record<string, string | undefined>): { forcePathStyle: boolean } {
  return { forcePathStyle: Boolean(env['AWS_ENDPOINT_URL_S3']) };
}
