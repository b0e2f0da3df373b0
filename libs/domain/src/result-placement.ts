import { PermanentJobError } from './errors';
import type { JsonValue } from './job';
import type { ResultStore, StoredResult } from './ports/result-store';

/** A result this size or smaller stays on the job item, where GET returns it inline. */
export const INLINE_RESULT_MAX_BYTES = 32 * 1024;

/** The largest result stored at all: one PUT of the serialized document, held in the run's memory once. */
export const MAX_STORED_RESULT_BYTES = 128 * 1024 * 1024;

export const RESULT_CONTENT_TYPE = 'application/json';

/** Where a run's result goes: inline on its entry, or a reference to the object the store wrote. */
export type PlacedResult = { result: JsonValue } | { resultRef: StoredResult };

/**
 * Places a run's result: inline up to `INLINE_RESULT_MAX_BYTES` (the item must stay far below DynamoDB's 400 KB
 * with every consumer's result on it), in the result store beyond. Without a store (unit tests of one piece) a
 * larger result fails as it would without a bucket.
 * @throws PermanentJobError RESULT_TOO_LARGE past what is stored at all, or past the inline limit without a store.
 */
export async function placeResult(
  result: JsonValue,
  run: { jobId: string; consumerId: string; claimToken: string },
  store: ResultStore | undefined,
): Promise<PlacedResult> {
  const body = Buffer.from(JSON.stringify(result ?? null), 'utf8');
  if (body.byteLength <= INLINE_RESULT_MAX_BYTES) return { result };
  const limit = store ? MAX_STORED_RESULT_BYTES : INLINE_RESULT_MAX_BYTES;
  if (body.byteLength > limit) {
    throw new PermanentJobError('RESULT_TOO_LARGE', `The result is ${body.byteLength} bytes; at most ${limit} are stored`);
  }
  return { resultRef: await (store as ResultStore).put({ ...run, body, contentType: RESULT_CONTENT_TYPE }) };
}
