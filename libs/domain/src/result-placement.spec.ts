import { PermanentJobError } from './errors';
import { INLINE_RESULT_MAX_BYTES, MAX_STORED_RESULT_BYTES, placeResult } from './result-placement';
import { InMemoryResultStore } from '../testing';

const run = { jobId: 'j', consumerId: 'a', claimToken: 't' };

describe('placeResult', () => {
  it('measures the serialized document in UTF-8 bytes, not characters', async () => {
    // 'é' is two bytes: this many characters fit the limit as characters, not as bytes.
    const accented = 'é'.repeat(INLINE_RESULT_MAX_BYTES / 2);
    const store = new InMemoryResultStore();
    const placed = await placeResult(accented, run, store);
    expect(placed).toEqual({ resultRef: expect.objectContaining({ bytes: INLINE_RESULT_MAX_BYTES + 2 }) });
  });

  it('keeps a null result inline', async () => {
    expect(await placeResult(null, run, new InMemoryResultStore())).toEqual({ result: null });
  });

  it('refuses a result past what is stored at all, naming its size', async () => {
    const store = new InMemoryResultStore();
    const tooLarge = 'x'.repeat(MAX_STORED_RESULT_BYTES - 1);
    const placing = placeResult(tooLarge, run, store);
    await expect(placing).rejects.toBeInstanceOf(PermanentJobError);
    await expect(placing).rejects.toMatchObject({
      code: 'RESULT_TOO_LARGE',
      message: expect.stringContaining(`${MAX_STORED_RESULT_BYTES + 1} bytes`),
    });
    expect(store.objects.size).toBe(0);
  });
});
