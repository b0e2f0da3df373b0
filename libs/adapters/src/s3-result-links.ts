import type { S3Client } from '@aws-sdk/client-s3';
import type * as S3 from '@aws-sdk/client-s3';
import type { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock, ResultLink, ResultLinks, StoredResult } from '@async-jobs/domain';
import { clientFrom, type ClientSource, type SdkClient } from './lazy-client';

/** What presigning needs: S3's commands and the presigner. */
export type S3PresignModule = typeof S3 & { getSignedUrl: typeof getSignedUrl };

/**
 * Presigned GETs of stored results, signed with the answering function's credentials: computed locally, no request
 * to S3. A link works until `expiresInSeconds` have passed (S3 answers 403 after), and no longer than the signing
 * credentials last (a Lambda role's session outlasts the short expiry used here).
 */
export class S3ResultLinks implements ResultLinks {
  private readonly s3: () => Promise<SdkClient<S3PresignModule, S3Client>>;

  constructor(
    s3: ClientSource<SdkClient<S3PresignModule, S3Client>>,
    private readonly options: { bucket: string; expiresInSeconds: number; clock: Clock },
  ) {
    this.s3 = clientFrom(s3);
  }

  async linkTo(result: StoredResult): Promise<ResultLink> {
    const { client, module } = await this.s3();
    const { bucket, expiresInSeconds, clock } = this.options;
    const signedAt = clock.now();
    const fileName = result.key.split('/').slice(1, 3).join('-');
    const url = await module.getSignedUrl(
      client,
      new module.GetObjectCommand({
        Bucket: bucket,
        Key: result.key,
        // A browser that opens the link saves the document under the job's name.
        ResponseContentDisposition: `attachment; filename="${fileName}.json"`,
      }),
      { expiresIn: expiresInSeconds, signingDate: signedAt },
    );
    return { url, expiresAt: new Date(signedAt.getTime() + expiresInSeconds * 1000).toISOString() };
  }
}
