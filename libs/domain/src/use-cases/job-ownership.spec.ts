import { ForbiddenError, JobNotFoundError } from '../errors';
import { builtInJobTypes } from '../job-types/built-in-job-types';
import { cancelJob } from './cancel-job';
import { getJob } from './get-job';
import { listJobs } from './list-jobs';
import { submitJob } from './submit-job';
import { submitJobIdempotently } from './submit-job-idempotently';
import { FakeClock, InMemoryJobRepository, aJob, alice, anEntry, bob, deployedDeadlines, operator } from '../../testing';

function setUp() {
  let n = 0;
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock(new Date('2026-03-01T00:00:00.000Z'));
  const deps = {
    repository,
    registry: builtInJobTypes({ sleepMaxSeconds: 300 }),
    ids: { newJobId: () => `3f1c2e9a-5b7d-4c1e-9f2a-${String(++n).padStart(12, '0')}`, newToken: () => 't' },
    clock,
    consumers: ['a', 'b'],
    retentionDays: 7,
    deadlines: deployedDeadlines,
  };
  return { repository, deps };
}

describe('jobs belong to the principal that submitted them', () => {
  it('records the owner as the API saw it', async () => {
    const { deps } = setUp();
    const job = await submitJob(deps, bob, { seconds: 1 });
    expect(job.owner).toEqual(bob.owner);
  });

  it("answers another owner's job exactly as a missing one, to get and to cancel, and changes nothing", async () => {
    const { repository, deps } = setUp();
    const job = await submitJob(deps, alice, { seconds: 1 });
    const missing = '3f1c2e9a-5b7d-4c1e-9f2a-999999999999';
    const writes = repository.writes;

    const foreignGet = await getJob(deps, bob, job.id).catch((e: unknown) => e);
    const missingGet = await getJob(deps, bob, missing).catch((e: unknown) => e);
    expect(foreignGet).toBeInstanceOf(JobNotFoundError);
    expect(missingGet).toBeInstanceOf(JobNotFoundError);
    expect((foreignGet as Error).message.replace(job.id, '<id>')).toBe((missingGet as Error).message.replace(missing, '<id>'));

    await expect(cancelJob(deps, bob, job.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect(repository.writes).toBe(writes);
    expect((await getJob(deps, alice, job.id)).cancelledAt).toBeUndefined();
  });

  it("answers a cancel of another owner's cancelled or finished job as a missing one, not with its state", async () => {
    const { repository, deps } = setUp();
    const cancelled = await submitJob(deps, alice, { seconds: 1 });
    await cancelJob(deps, alice, cancelled.id);
    const finished = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'SUCCEEDED' }) } });
    await repository.create(finished);
    const writes = repository.writes;
    await expect(cancelJob(deps, bob, cancelled.id)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(cancelJob(deps, bob, finished.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect(repository.writes).toBe(writes);
  });

  it('lets the owner and operators cancel, and records who did', async () => {
    const { deps } = setUp();
    const own = await submitJob(deps, alice, { seconds: 1 });
    const other = await submitJob(deps, alice, { seconds: 1 });
    expect(await cancelJob(deps, alice, own.id)).toMatchObject({ cancelledBy: alice.owner.principal });
    expect(await cancelJob(deps, operator, other.id)).toMatchObject({ cancelledBy: operator.owner.principal, owner: alice.owner });
  });

  it("lists only the caller's own jobs; an operator lists every owner's, or one owner's", async () => {
    const { deps } = setUp();
    const mine = [await submitJob(deps, alice, { seconds: 1 }), await submitJob(deps, alice, { type: 'noop', input: {} })];
    const theirs = [await submitJob(deps, bob, { seconds: 1 })];
    const ids = (page: { jobs: { id: string }[] }) => page.jobs.map((j) => j.id).sort();

    expect(ids(await listJobs(deps, alice, {}))).toEqual(mine.map((j) => j.id).sort());
    expect(ids(await listJobs(deps, bob, {}))).toEqual(theirs.map((j) => j.id));
    expect(ids(await listJobs(deps, alice, { owner: alice.owner.principal }))).toEqual(mine.map((j) => j.id).sort());
    await expect(listJobs(deps, alice, { owner: bob.owner.principal })).rejects.toBeInstanceOf(ForbiddenError);

    expect(ids(await listJobs(deps, operator, {}))).toEqual([...mine, ...theirs].map((j) => j.id).sort());
    expect(ids(await listJobs(deps, operator, { owner: bob.owner.principal }))).toEqual(theirs.map((j) => j.id));
  });

  it('refuses an owner filter that is not a principal, naming it', async () => {
    const { deps } = setUp();
    await expect(listJobs(deps, operator, { owner: 'bob' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ field: '?owner' })],
    });
  });

  it('leaves a job stored before jobs had owners to operators', async () => {
    const { repository, deps } = setUp();
    const legacy = aJob({ owner: undefined });
    await repository.create(legacy);
    await expect(getJob(deps, alice, legacy.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await listJobs(deps, alice, {})).jobs).toEqual([]);
    expect((await getJob(deps, operator, legacy.id)).id).toBe(legacy.id);
    expect((await listJobs(deps, operator, {})).jobs.map((j) => j.id)).toEqual([legacy.id]);
  });

  it("scopes Idempotency-Keys by owner: the same key and request from another caller is another job, and never shows the first one's", async () => {
    const { deps } = setUp();
    const first = await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42');
    const other = await submitJobIdempotently(deps, bob, { seconds: 3 }, 'order-42');
    expect(other.replayed).toBe(false);
    expect(other.job.id).not.toBe(first.job.id);
    expect(other.job.owner).toEqual(bob.owner);
    // Each owner's key still replays its own job, and another request under bob's key is bob's conflict alone.
    expect(await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42')).toEqual({ job: first.job, replayed: true });
    await expect(submitJobIdempotently(deps, bob, { seconds: 4 }, 'order-42')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await submitJobIdempotently(deps, alice, { seconds: 3 }, 'order-42')).toMatchObject({ replayed: true });
  });
});
