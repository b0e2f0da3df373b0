import { randomUUID } from 'node:crypto';
import * as S3 from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FakeClock } from '@async-jobs/testing';
import { S3ResultLinks } from './s3-result-links';
import { S3ResultStore, s3ClientOptions } from './s3-result-store';

describe('results in S3 (moto)', () => {
  const client = new S3.S3Client(s3ClientOptions(process.env));
  const bucket = `results-${randomUUID().slice(0, 8)}`;
  const clock = new FakeClock(new Date());
  const store = new S3ResultStore({ module: S3, client }, bucket);
  const links = new S3ResultLinks({ module: { ...S3, getSignedUrl }, client }, { bucket, expiresInSeconds: 600, clock });
  beforeAll(() => client.send(new S3.CreateBucketCommand({ Bucket: bucket })));
  afterAll(() => client.destroy());

  it('puts a result under its run key, and its link fetches it byte for byte without credentials', async () => {
    const body = Buffer.from(JSON.stringify({ rows: Array.from({ length: 3000 }, (_, i) => ({ i, text: 'é'.repeat(20) })) }));
    const stored = await store.put({ jobId: 'job-1', consumerId: 'a', claimToken: 'claim-1', body, contentType: 'application/json' });
    expect(stored).toEqual({ key: 'results/job-1/a/claim-1.json', bytes: body.byteLength, contentType: 'application/json' });

    const link = await links.linkTo(stored);
    expect(link.expiresAt).toBe(new Date(clock.now().getTime() + 600_000).toISOString());
    const url = new URL(link.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.has('X-Amz-Credential')).toBe(true);
    // S3 answers with this header (moto ignores it): a browser saves the document under the job's name.
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="job-1-a.json"');

    // Node's own fetch, no SDK: what a caller's browser or curl does with the link.
    const answer = await fetch(link.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(Buffer.from(await answer.arrayBuffer()).equals(body)).toBe(true);
  });

  it('fails loudly when the bucket does not exist', async () => {
    const missing = new S3ResultStore({ module: S3, client }, 'no-such-bucket-here');
    await expect(
      missing.put({ jobId: 'j', consumerId: 'a', claimToken: 't', body: Buffer.from('{}'), contentType: 'application/json' }),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
