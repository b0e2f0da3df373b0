import { StoreUnavailableError } from '../errors';
import { claimTransition } from '../job-transitions';
import { applyChange } from '../job-change';
import type { ConsumerEntry, Job } from '../job';
import { sweepStalledEntries, type SweepOutcome } from './sweep-stalled-entries';
import { FakeClock, InMemoryJobRepository, aJob, anEntry, deployedDeadlines } from '../../testing';

const created = '2026-01-01T00:00:00.000Z';
const t0 = Date.parse(created);
const { pickupMs, marginMs, handOverMs } = deployedDeadlines;
const pickupEnds = t0 + pickupMs + marginMs;

function setUp(at: number) {
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock(new Date(at));
  let n = 0;
  const deps = { repository, clock, ids: { newToken: () => `sweep-${++n}` } };
  const sweep = (consumers = ['a']) => sweepStalledEntries(deps, { consumers, policy: deployedDeadlines });
  const store = async (entries: Record<string, ConsumerEntry>): Promise<Job> => {
    const job = aJob({ createdAt: created, updatedAt: created, consumers: entries });
    await repository.create(job);
    return job;
  };
  return { repository, clock, sweep, store };
}
const due = (overrides: Partial<ConsumerEntry>) => anEntry({ deadline: t0 + 1, updatedAt: created, ...overrides });
const succeeded = anEntry({ status: 'SUCCEEDED', attempts: 1 });
const kinds = (outcomes: SweepOutcome[]) => outcomes.map((o) => (o.kind === 'ended' ? `${o.kind}:${o.stall}` : o.kind));

describe('sweepStalledEntries', () => {
  it('ends an entry no run ever claimed once the stream can no longer deliver it, as NOT_STARTED, and leaves the other consumer alone', async () => {
    const { repository, sweep, store } = setUp(pickupEnds + 1);
    const job = await store({ a: due({ deadline: pickupEnds }), b: succeeded });

    expect(kinds(await sweep(['a', 'b']))).toEqual(['ended:NOT_STARTED']);

    const after = repository.jobs.get(job.id)!;
    expect(after.consumers.a).toMatchObject({
      status: 'FAILED',
      error: { code: 'NOT_STARTED', message: expect.stringContaining('is its mapping enabled?') },
      finishedBy: 'sweep-1',
    });
    expect(after.consumers.a.deadline).toBeUndefined();
    expect(after.consumers.b).toEqual(succeeded);
  });

  it('looks again later at a PENDING entry the stream may still deliver', async () => {
    const { repository, sweep, store } = setUp(t0 + 600_000);
    const job = await store({ a: due({ attempts: 1, lastError: { code: 'FLAKY', message: 'x' } }), b: succeeded });

    expect(await sweep()).toEqual([expect.objectContaining({ kind: 'postponed', until: pickupEnds })]);
    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'PENDING', deadline: pickupEnds });
  });

  it('ends a retried entry whose retry never came as RETRY_NOT_DELIVERED, with its last error', async () => {
    const { repository, sweep, store } = setUp(pickupEnds + 1);
    const job = await store({ a: due({ attempts: 2, lastError: { code: 'FLAKY', message: 'downstream timed out' } }), b: succeeded });

    expect(kinds(await sweep())).toEqual(['ended:RETRY_NOT_DELIVERED']);
    expect(repository.jobs.get(job.id)!.consumers.a.error).toEqual({
      code: 'RETRY_NOT_DELIVERED',
      message: expect.stringMatching(/^Attempt 2 failed and no retry came.*; last error: FLAKY: downstream timed out$/),
    });
  });

  it('leaves a live run alone, looking again a margin after its lease', async () => {
    const now = t0 + 600_000;
    const { repository, sweep, store } = setUp(now);
    const job = await store({ a: due({ status: 'RUNNING', attempts: 1, claimToken: 'live', leaseExpiresAt: now + 20_000 }), b: succeeded });

    expect(await sweep()).toEqual([expect.objectContaining({ kind: 'postponed', until: now + 20_000 + marginMs })]);
    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'live' });
  });

  it('ends a run that stopped renewing its lease more than a margin ago and that nothing took over, as RUN_ABANDONED', async () => {
    const now = t0 + 900_000;
    const { repository, sweep, store } = setUp(now);
    const lapsedLongAgo = await store({
      a: due({ status: 'RUNNING', attempts: 1, claimToken: 'dead', leaseExpiresAt: now - marginMs - 1 }),
      b: succeeded,
    });
    const lapsedJustNow = await store({
      a: due({ status: 'RUNNING', attempts: 1, claimToken: 'slow', leaseExpiresAt: now - marginMs + 1 }),
      b: succeeded,
    });

    const outcomes = await sweep();

    expect(outcomes.map((o) => [o.jobId, o.kind])).toEqual(
      expect.arrayContaining([
        [lapsedLongAgo.id, 'ended'],
        [lapsedJustNow.id, 'postponed'],
      ]),
    );
    expect(repository.jobs.get(lapsedLongAgo.id)!.consumers.a).toMatchObject({
      status: 'FAILED',
      error: { code: 'RUN_ABANDONED', message: expect.stringContaining('Attempt 1 stopped renewing') },
    });
    expect(repository.jobs.get(lapsedJustNow.id)!.consumers.a.status).toBe('RUNNING');
  });

  it('records a failure handed to the error handler that it never recorded, with the failure’s own reason, once its time is over', async () => {
    const handedOverAt = t0 + 60_000;
    const { repository, clock, sweep, store } = setUp(handedOverAt + handOverMs + marginMs - 1);
    const reason = { code: 'SLEEP_TOO_LONG', message: 'A sleep of 301s exceeds the maximum of 300s' };
    const job = await store({
      a: due({ status: 'RUNNING', attempts: 1, claimToken: 'run', lastError: reason, updatedAt: new Date(handedOverAt).toISOString() }),
      b: succeeded,
    });

    expect(kinds(await sweep())).toEqual(['postponed']);
    clock.advance(2);
    expect(kinds(await sweep())).toEqual(['ended:FAILURE_NOT_RECORDED']);

    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({
      status: 'FAILED',
      error: { code: 'SLEEP_TOO_LONG', message: expect.stringContaining('recorded by the sweeper') },
    });
  });

  it('never ends an entry that a run claims between its read and its write', async () => {
    const { repository, sweep, store } = setUp(pickupEnds + 1);
    const job = await store({ a: due({ deadline: pickupEnds }), b: succeeded });
    let claimed = false;
    repository.beforeWrite = (jobId) => {
      if (claimed) return;
      claimed = true;
      // A late delivery claims the entry just before the sweeper's write.
      const current = repository.jobs.get(jobId)!;
      const claim = claimTransition({
        consumerId: 'a',
        claimToken: 'late',
        now: new Date(pickupEnds),
        leaseExpiresAt: pickupEnds + 60_000 + 5000,
      }).plan(current);
      if (claim.kind === 'write') repository.jobs.set(jobId, applyChange(current, claim.change));
    };

    expect(kinds(await sweep())).toEqual(['postponed']);
    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'late' });
  });

  it('counts its own write whose answer was lost as the entry it ended', async () => {
    const { repository, sweep, store } = setUp(pickupEnds + 1);
    const job = await store({ a: due({ deadline: pickupEnds }), b: succeeded });
    const write = repository.applyChange.bind(repository);
    repository.applyChange = async (jobId, change) => {
      const result = await write(jobId, change);
      return result.applied ? { applied: false, current: result.job } : result; // the answer to the landed write is lost
    };

    expect(kinds(await sweep())).toEqual(['ended:NOT_STARTED']);
    expect(repository.jobs.get(job.id)!.consumers.a.status).toBe('FAILED');
  });

  it('drops a deadline left on a finished entry, and stops rather than loop on index entries that lag the table', async () => {
    const now = pickupEnds + 1;
    const { repository, store } = setUp(now);
    const leftBehind = await store({ a: { ...succeeded, deadline: t0 + 1 }, b: succeeded });
    const lagging = await store({ a: due({ deadline: now + 60_000 }), b: succeeded });
    repository.findOverdue = async () =>
      [leftBehind.id, lagging.id].filter((id) => id !== leftBehind.id || repository.jobs.get(id)!.consumers.a.deadline !== undefined);

    const outcomes = await sweepStalledEntries(
      { repository, clock: new FakeClock(new Date(now)), ids: { newToken: () => 't' } },
      { consumers: ['a'], policy: deployedDeadlines, pageSize: 2 },
    );

    // A full page made progress, so it asks again; the next page holds only the lagging entry, and it stops.
    expect(outcomes.map((o) => [o.jobId, o.kind])).toEqual([
      [leftBehind.id, 'cleaned'],
      [lagging.id, 'skipped'],
      [lagging.id, 'skipped'],
    ]);
    expect(repository.jobs.get(leftBehind.id)!.consumers.a.deadline).toBeUndefined();
  });

  it('keeps sweeping the others when the store will not take one entry, and says which', async () => {
    const { repository, sweep, store } = setUp(pickupEnds + 1);
    const refused = await store({ a: due({ deadline: pickupEnds }), b: succeeded });
    const fine = await store({ a: due({ deadline: pickupEnds }), b: succeeded });
    const write = repository.applyChange.bind(repository);
    repository.applyChange = async (jobId, change) => {
      if (jobId === refused.id) throw new StoreUnavailableError('the store is unavailable');
      return write(jobId, change);
    };

    const outcomes = await sweep();

    expect(outcomes.map((o) => [o.jobId, o.kind])).toEqual(
      expect.arrayContaining([
        [refused.id, 'failed'],
        [fine.id, 'ended'],
      ]),
    );
    expect(outcomes.find((o) => o.jobId === refused.id)).toMatchObject({ reason: { code: 'STORE_UNAVAILABLE' } });
    expect(repository.jobs.get(fine.id)!.consumers.a.status).toBe('FAILED');
  });

  it('answers in time: stops once its time budget is spent', async () => {
    const { repository, clock, store } = setUp(pickupEnds + 1);
    for (let i = 0; i < 3; i++) await store({ a: due({ deadline: pickupEnds }), b: succeeded });

    const outcomes = await sweepStalledEntries(
      { repository, clock, ids: { newToken: () => 't' } },
      { consumers: ['a'], policy: deployedDeadlines, pageSize: 1, until: clock.now().getTime() },
    );

    expect(outcomes).toEqual([]);
  });
});
