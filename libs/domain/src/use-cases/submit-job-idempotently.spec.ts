import { IdempotencyKeyReusedError, ValidationError } from '../errors';
import { builtInJobTypes } from '../job-types/built-in-job-types';
import { canonicalJson, submitJobIdempotently } from './submit-job-idempotently';
import { FakeClock, InMemoryJobRepository, alice, deployedDeadlines } from '../../testing';

function setUp() {
  let n = 0;
  const repository = new InMemoryJobRepository();
  const deps = {
    repository,
    registry: builtInJobTypes({ sleepMaxSeconds: 300 }),
    ids: { newJobId: () => `3f1c2e9a-5b7d-4c1e-9f2a-${String(++n).padStart(12, '0')}`, newToken: () => 't' },
    clock: new FakeClock(),
    consumers: ['a', 'b'],
    retentionDays: 7,
    deadlines: deployedDeadlines,
  };
  return { repository, deps };
}

describe('submitJobIdempotently', () => {
  it('creates the job once and returns the same job for the same key and request', async () => {
    const { repository, deps } = setUp();
    const first = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');
    const again = await submitJobIdempotently(deps, alice, { type: 'sleep', input: { seconds: 3 } }, 'order-42'); // the same request in the other form
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ job: first.job, replayed: true });
    expect(repository.jobs.size).toBe(1);
  });

  it('refuses the same key with another request, writing nothing', async () => {
    const { repository, deps } = setUp();
    await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');
    await expect(submitJobIdempotently(deps, alice, { seconds: 4 }, 'order-42')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(repository.jobs.size).toBe(1);
  });

  it('gives a key whose job expired to a new job, though the store has not yet deleted the old key', async () => {
    const { repository, deps } = setUp();
    const first = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');
    deps.clock.advance(8 * 86_400_000); // past the 7 days' retention; TTL deletes lazily

    const again = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');

    expect(again.replayed).toBe(false);
    expect(again.job.id).not.toBe(first.job.id);
    expect(repository.idempotency.get([...repository.idempotency.keys()][0])?.jobId).toBe(again.job.id);
  });

  it('gives a key whose job is gone to a new job, instead of answering the POST with 404', async () => {
    const { repository, deps } = setUp();
    const first = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');
    repository.jobs.delete(first.job.id);

    const again = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');

    expect(again.replayed).toBe(false);
    expect(repository.jobs.has(again.job.id)).toBe(true);
  });

  it.each(['', 'x'.repeat(129), 'has space', 'émoji'])('refuses the key %j', async (key) => {
    const { deps } = setUp();
    await expect(submitJobIdempotently(deps, alice, { seconds: 3 }, key)).rejects.toMatchObject({
      details: [expect.objectContaining({ field: 'Idempotency-Key' })],
    });
    await expect(submitJobIdempotently(deps, alice, { seconds: 3 }, key)).rejects.toBeInstanceOf(ValidationError);
  });

  it('hashes requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
