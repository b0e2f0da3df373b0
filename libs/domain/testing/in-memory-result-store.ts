import { resultKey, type ResultStore, type StoredResult } from '../src';

/** The results bucket, in memory: the objects put, by key. `refuse` makes the next puts fail, as an unreachable S3 would. */
export class InMemoryResultStore implements ResultStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  refuse: Error | undefined;
  async put(result: {
    jobId: string;
    consumerId: string;
    claimToken: string;
    body: Uint8Array;
    contentType: string;
  }): Promise<StoredResult> {
    if (this.refuse) throw this.refuse;
    const key = resultKey(result);
    this.objects.set(key, { body: Buffer.from(result.body), contentType: result.contentType });
    return { key, bytes: result.body.byteLength, contentType: result.contentType };
  }
}
