import { Type } from '@sinclair/typebox';
import { PermanentJobError } from '../errors';
import type { Job } from '../job';
import type { JobChange } from '../job-change';
import { defineJobType } from '../job-types/job-type';
import { JobTypeRegistry } from '../job-types/job-type-registry';
import { createSleepJobType } from '../job-types/sleep-job';
import type { JobFailureNotice } from '../ports/failure-notice-publisher';
import type { JobRepository } from '../ports/job-repository';
import { cancelJob } from './cancel-job';
import { processJob, type ProcessJobDeps } from './process-job';
import { INLINE_RESULT_MAX_BYTES } from '../result-placement';
import { FakeClock, InMemoryJobRepository, InMemoryResultStore, aJob, alice, anEntry, deployedDeadlines } from '../../testing';

const flaky = defineJobType({
  name: 'flaky',
  description: 'fails with an ordinary error',
  inputSchema: Type.Object({}, { additionalProperties: false }),
  maxAttempts: 2,
  runLimit: { seconds: 60, onTimeout: 'retry' },
  async run() {
    throw new Error('downstream timed out');
  },
});

function setUp(overrides: Partial<ProcessJobDeps> = {}) {
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock();
  const published: JobFailureNotice[] = [];
  let token = 0;
  const deps: ProcessJobDeps = {
    repository,
    deadlines: deployedDeadlines,
    clock,
    registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), flaky]),
    publisher: { publishFailure: async (notice) => void published.push(notice) },
    ids: { newJobId: () => 'unused', newToken: () => `token-${++token}` },
    ...overrides,
  };
  // A heartbeat slower than any of these runs: the lease's own tests set theirs.
  const run = async (job: Job, consumerId = 'a') =>
    processJob(deps, { job, consumerId, lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: clock.now().getTime() + 600_000 });
  return { repository, clock, published, deps, run };
}

/**
 * A store whose answers to the matching writes are lost after the write landed: what the caller
 * then sees is its retry, refused by the condition the first try made false.
 */
function losingAnswers(repository: InMemoryJobRepository, matches: (change: JobChange) => boolean): InMemoryJobRepository {
  return Object.assign(Object.create(repository) as InMemoryJobRepository, {
    applyChange: async (jobId: string, change: JobChange) => {
      const result = await repository.applyChange(jobId, change);
      if (!result.applied || !matches(change)) return result;
      return { applied: false as const, current: result.job };
    },
  });
}

async function stored(repository: InMemoryJobRepository, job: Job): Promise<Job> {
  await repository.create(job);
  return job;
}

describe('processJob', () => {
  it('claims, runs and completes the job on its own consumer entry', async () => {
    const { repository, run } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 1 } }));

    const outcome = await run(job);

    expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 1 });
    const after = repository.jobs.get(job.id)!;
    expect(after.consumers.a).toMatchObject({ status: 'SUCCEEDED', result: { sleptSeconds: 1 }, attempts: 1 });
    expect(after.consumers.b.status).toBe('PENDING');
    expect(repository.writes).toBe(2); // one claim, one completion: no reads
  });

  it('skips a duplicate delivery without running the job again', async () => {
    const { repository, clock, run } = setUp();
    const job = await stored(repository, aJob());
    await run(job);
    const sleepsBefore = clock.sleeps.length;

    const outcome = await run(job); // the same stream image delivered again

    expect(outcome).toMatchObject({ kind: 'skipped', stage: 'claim', reason: { code: 'ALREADY_FINISHED' } });
    expect(clock.sleeps.length).toBe(sleepsBefore);
  });

  it('publishes a permanent failure with the reason and leaves recording it to the error handler', async () => {
    const { repository, published, run } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 301 } }));

    const outcome = await run(job);

    expect(outcome).toMatchObject({ kind: 'failed', reason: { code: 'SLEEP_TOO_LONG' } });
    expect(published).toEqual([
      expect.objectContaining({
        kind: 'JobFailed',
        jobId: job.id,
        consumerId: 'a',
        attempt: 1,
        reason: expect.objectContaining({ code: 'SLEEP_TOO_LONG' }),
      }),
    ]);
    // Handed over: still RUNNING under the claim, with the reason, and no lease for a redelivery to wait out.
    const entry = repository.jobs.get(job.id)!.consumers.a;
    expect(entry).toMatchObject({ status: 'RUNNING', claimToken: 'token-1', lastError: { code: 'SLEEP_TOO_LONG' } });
    expect(entry.leaseExpiresAt).toBeUndefined();
  });

  it('does not run a job again whose failure was handed to the error handler, when its record comes again', async () => {
    const { repository, clock, published, run } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 301 } }));
    await run(job);

    const again = await run(job); // the mapping retried from an earlier record of the same batch

    expect(again).toMatchObject({ kind: 'skipped', stage: 'claim', reason: { code: 'FAILURE_HANDED_OVER' } });
    expect(published).toHaveLength(1);
    expect(clock.sleeps).toEqual([]); // no lease to wait for
    expect(repository.jobs.get(job.id)!.consumers.a.attempts).toBe(1);
  });

  it('treats stored input that fails the second validation as permanent', async () => {
    const { repository, published, run } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 'soon' } }));

    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'VALIDATION_FAILED' } });
    expect(published).toHaveLength(1);
  });

  it('releases the claim after a retryable failure so the redelivery can claim it, then gives up after maxAttempts', async () => {
    const { repository, published, run } = setUp();
    const job = await stored(repository, aJob({ type: 'flaky', input: {} }));

    expect(await run(job)).toMatchObject({ kind: 'retry', reason: { code: 'JOB_RUN_ERROR', message: 'downstream timed out' }, attempt: 1 });
    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: { code: 'JOB_RUN_ERROR' },
    });

    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'ATTEMPTS_EXHAUSTED' }, attempt: 2 });
    expect(published[0].reason.message).toContain('downstream timed out');
  });

  it('hands the job back for redelivery when the failure cannot be published', async () => {
    const { repository, run } = setUp({ publisher: { publishFailure: async () => Promise.reject(new Error('SNS down')) } });
    const job = await stored(repository, aJob({ input: { seconds: 301 } }));

    expect(await run(job)).toMatchObject({ kind: 'retry', reason: { code: 'FAILURE_NOT_PUBLISHED' } });
    expect(repository.jobs.get(job.id)!.consumers.a.status).toBe('PENDING');
  });

  it("moves the entry's sweeper deadline with its state, and drops it when the entry finishes", async () => {
    const { repository, clock, run } = setUp({ registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), flaky]) });
    const deadlines: (number | undefined)[] = [];
    const write = repository.applyChange.bind(repository);
    repository.applyChange = async (jobId, change) => {
      const result = await write(jobId, change);
      if (result.applied) deadlines.push(result.job.consumers.a.deadline);
      return result;
    };
    const sleepJob = await stored(repository, aJob({ input: { seconds: 1 }, consumers: { a: anEntry({ deadline: 42 }), b: anEntry() } }));
    await run(sleepJob);
    // The claim leaves the submit's deadline (no index key rewritten on the happy path); the completion drops it.
    expect(deadlines).toEqual([42, undefined]);

    deadlines.length = 0;
    const flakyJob = await stored(repository, aJob({ type: 'flaky', input: {}, createdAt: clock.now().toISOString() }));
    await run(flakyJob);
    // Released for a retry: due when the stream can no longer redeliver it.
    expect(deadlines.at(-1)).toBe(Date.parse(flakyJob.createdAt) + deployedDeadlines.pickupMs + deployedDeadlines.marginMs);

    deadlines.length = 0;
    const tooLong = await stored(repository, aJob({ input: { seconds: 301 } }));
    await run(tooLong);
    // Handed over to the error handler: due when its time to record the failure is over.
    expect(deadlines.at(-1)).toBe(clock.now().getTime() + deployedDeadlines.handOverMs + deployedDeadlines.marginMs);
  });

  describe('while another run holds the claim', () => {
    const heldFor = (clock: FakeClock, ms: number) =>
      aJob({
        consumers: {
          a: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'crashed-run', leaseExpiresAt: clock.now().getTime() + ms }),
          b: anEntry(),
        },
      });

    it('waits for a lease that runs out within the delivery, then takes the job over and runs it', async () => {
      const { repository, clock, run } = setUp();
      const job = await stored(repository, heldFor(clock, 5000));

      const outcome = await run(job);

      expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 2 });
      expect(clock.sleeps).toEqual([5001, 1000]); // the wait for the lease, then the job's own sleep
      expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    });

    it('acknowledges the delivery when the holder renewed its lease meanwhile: that live run answers for the job', async () => {
      const { repository, clock, deps } = setUp();
      const job = await stored(repository, heldFor(clock, 5000));
      const renewingHolder: FakeClock = Object.assign(new FakeClock(clock.now()), {
        async sleep(this: FakeClock, ms: number) {
          this.sleeps.push(ms);
          this.advance(ms);
          const entry = repository.jobs.get(job.id)!.consumers.a;
          entry.leaseExpiresAt = this.now().getTime() + 30_000;
        },
      });

      const outcome = await processJob(
        { ...deps, clock: renewingHolder },
        { job, consumerId: 'a', lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: renewingHolder.now().getTime() + 600_000 },
      );

      expect(outcome).toMatchObject({ kind: 'skipped', stage: 'claim', reason: { code: 'CLAIM_HELD' } });
      expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ claimToken: 'crashed-run', attempts: 1 });
    });

    it('recognises its own claim when the answer to the claim was lost and the retried write refused', async () => {
      const { repository, clock, deps } = setUp();
      const job = await stored(repository, aJob());
      const lostAnswer = losingAnswers(
        repository,
        (change) => change.entries['a']?.set.status === 'RUNNING' && change.entries['a'].set.leaseExpiresAt !== undefined,
      );

      const outcome = await processJob(
        { ...deps, repository: lostAnswer },
        { job, consumerId: 'a', lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: clock.now().getTime() + 600_000 },
      );

      expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 1 });
      expect(clock.sleeps).toEqual([1000]); // the job's sleep only: no wait for its own lease
    });

    it('recognises its own takeover claim when that answer was lost, instead of leaving the entry to a token no run holds', async () => {
      const { repository, clock, deps } = setUp();
      const job = await stored(repository, heldFor(clock, 5000));
      // The first claim meets the crashed run's lease; the takeover lands, but its answer is lost.
      const lostAnswer = losingAnswers(repository, (change) => change.entries['a']?.incrementAttempts === true);

      const outcome = await processJob(
        { ...deps, repository: lostAnswer },
        { job, consumerId: 'a', lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: clock.now().getTime() + 600_000 },
      );

      expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 2 });
      expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { sleptSeconds: 1 } });
    });

    it('counts a completion whose answer was lost as the success it is, not as a stale claim', async () => {
      const { repository, clock, deps } = setUp();
      const job = await stored(repository, aJob());
      const lostAnswer = losingAnswers(repository, (change) => change.entries['a']?.set.status === 'SUCCEEDED');

      const outcome = await processJob(
        { ...deps, repository: lostAnswer },
        { job, consumerId: 'a', lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: clock.now().getTime() + 600_000 },
      );

      expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 1 });
      expect(repository.writes).toBe(2);
    });

    it("asks for a retry when what is left of the delivery after the lease would not hold the job's whole run limit", async () => {
      const { repository, clock, deps } = setUp();
      const job = await stored(repository, heldFor(clock, 5000));

      // The lease runs out in 5 s; a sleep may run 305 s; 200 s are left.
      const outcome = await processJob(deps, {
        job,
        consumerId: 'a',
        lease: { durationMs: 30_000, renewEveryMs: 0 },
        deadline: clock.now().getTime() + 200_000,
      });

      expect(outcome).toMatchObject({ kind: 'retry', reason: { code: 'CLAIM_HELD' } });
      expect(clock.sleeps).toEqual([]);
    });
  });

  describe('the lease of a running job', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** A job type that runs until the test lets it finish, and tells when it saw its claim lost. */
    function controllable() {
      let finish: (value: string) => void = () => undefined;
      let aborted = false;
      const type = defineJobType({
        name: 'controlled',
        description: 'finishes when told',
        inputSchema: Type.Object({}),
        maxAttempts: 2,
        runLimit: { seconds: 60, onTimeout: 'retry' },
        run: (_input, { signal, reportProgress }) =>
          new Promise((resolve, reject) => {
            finish = resolve;
            report = reportProgress;
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('stopped: claim lost'));
            });
          }),
      });
      return {
        type,
        finish: (value: string) => finish(value),
        aborted: () => aborted,
        report: (p: { percent: number; message?: string }) => report(p),
      };
    }
    let report: (progress: { percent: number; message?: string }) => void = () => undefined;
    const lease = { durationMs: 3000, renewEveryMs: 1000 };

    /** Starts a controllable run on a fresh job and lets it claim; `through` stands a store in front of the repository. */
    async function startRun(
      options: { through?: (repository: InMemoryJobRepository) => JobRepository; onRenewalError?: (error: unknown) => void } = {},
    ) {
      const job = controllable();
      const { repository, clock, deps } = setUp({ registry: new JobTypeRegistry([job.type]) });
      const submitted = await stored(repository, aJob({ type: 'controlled', input: {} }));
      const store = options.through?.(repository) ?? repository;
      const running = processJob(
        { ...deps, repository: store },
        { job: submitted, consumerId: 'a', lease, deadline: clock.now().getTime() + 600_000, onRenewalError: options.onRenewalError },
      );
      await jest.advanceTimersByTimeAsync(0);
      return { job, repository, clock, stored_: submitted, running };
    }

    it('moves the lease ahead while the job runs, and drops it with the result', async () => {
      const { job, repository, clock, stored_, running } = await startRun();
      const claimedLease = repository.jobs.get(stored_.id)!.consumers.a.leaseExpiresAt!;

      clock.advance(2500);
      await jest.advanceTimersByTimeAsync(2500); // two beats

      const renewed = repository.jobs.get(stored_.id)!.consumers.a;
      expect(renewed).toMatchObject({ status: 'RUNNING', claimToken: 'token-1' });
      expect(renewed.leaseExpiresAt).toBe(clock.now().getTime() + 3000);
      expect(renewed.leaseExpiresAt).toBeGreaterThan(claimedLease);
      job.finish('done');
      expect(await running).toMatchObject({ kind: 'succeeded' });
      expect(repository.writes).toBe(4); // claim, two renewals, completion
      expect(repository.jobs.get(stored_.id)!.consumers.a.leaseExpiresAt).toBeUndefined();
      await jest.advanceTimersByTimeAsync(5000);
      expect(repository.writes).toBe(4); // the heartbeat stopped with the run
    });

    it('stores the latest progress with the next renewal, never with a write of its own', async () => {
      const { job, repository, clock, stored_, running } = await startRun();
      const writes = repository.writes;

      job.report({ percent: 10, message: 'started' });
      job.report({ percent: 40, message: 'reading' });
      expect(repository.writes).toBe(writes); // reports alone write nothing
      clock.advance(1000);
      await jest.advanceTimersByTimeAsync(1000); // one beat

      expect(repository.writes).toBe(writes + 1);
      expect(repository.jobs.get(stored_.id)!.consumers.a.progress).toEqual({ percent: 40, message: 'reading', at: expect.any(String) });
      clock.advance(1000);
      await jest.advanceTimersByTimeAsync(1000); // a beat with nothing new renews the lease only
      expect(repository.jobs.get(stored_.id)!.consumers.a.progress?.percent).toBe(40);
      job.finish('done');
      expect(await running).toMatchObject({ kind: 'succeeded' });
    });

    it('refuses progress outside 0–100 or a message too long: a bug of the type, which retrying cannot fix', async () => {
      for (const bad of [{ percent: 101 }, { percent: -1 }, { percent: Number.NaN }, { percent: 5, message: 'x'.repeat(201) }]) {
        const { job, running } = await startRun();
        expect(() => job.report(bad)).toThrow(expect.objectContaining({ code: 'INVALID_PROGRESS', retryable: false }));
        job.finish('done');
        await running;
      }
    });

    it('aborts the run when a renewal finds the job cancelled, and stores nothing of it', async () => {
      const { job, repository, clock, stored_, running } = await startRun();

      await cancelJob({ repository, clock }, alice, stored_.id);
      await jest.advanceTimersByTimeAsync(1000);

      expect(await running).toMatchObject({ kind: 'skipped', stage: 'run', reason: { code: 'CANCELLED' } });
      expect(job.aborted()).toBe(true);
      expect(repository.jobs.get(stored_.id)!.consumers.a).toMatchObject({ status: 'CANCELLED', attempts: 1 });
    });

    it('keeps renewing while a failure waits to be published, then leaves the claim to the error handler', async () => {
      let publish: () => void = () => undefined;
      const { repository, clock, deps } = setUp({
        publisher: { publishFailure: () => new Promise<void>((resolve) => (publish = resolve)) },
      });
      const job = await stored(repository, aJob({ input: { seconds: 301 } }));
      const running = processJob(deps, { job, consumerId: 'a', lease, deadline: clock.now().getTime() + 600_000 });
      await jest.advanceTimersByTimeAsync(0);

      clock.advance(2000);
      await jest.advanceTimersByTimeAsync(2000); // the topic is slow: two beats meanwhile

      expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'RUNNING', leaseExpiresAt: clock.now().getTime() + 3000 });
      publish();
      expect(await running).toMatchObject({ kind: 'failed', reason: { code: 'SLEEP_TOO_LONG' } });
      const writes = repository.writes;
      await jest.advanceTimersByTimeAsync(5000);
      expect(repository.writes).toBe(writes); // no beat after the hand-over
    });

    it('renews one beat at a time: beats due while a renewal waits out an outage are skipped, not queued', async () => {
      let renewals = 0;
      let storeBack: () => void = () => undefined;
      const slowStore = (repository: InMemoryJobRepository) =>
        Object.assign(Object.create(repository) as InMemoryJobRepository, {
          applyChange: async (jobId: string, change: Parameters<InMemoryJobRepository['applyChange']>[1]) => {
            if (change.entries['a']?.set.leaseExpiresAt && change.entries['a'].set.status === undefined) {
              renewals += 1;
              await new Promise<void>((resolve) => (storeBack = resolve)); // a patient repository, waiting
            }
            return repository.applyChange(jobId, change);
          },
        });
      const { job, running } = await startRun({ through: slowStore });

      await jest.advanceTimersByTimeAsync(5000); // five beats due, the first still waiting

      expect(renewals).toBe(1);
      job.finish('done');
      await jest.advanceTimersByTimeAsync(0);
      storeBack(); // the stop waits for the renewal in flight, then completes
      expect(await running).toMatchObject({ kind: 'succeeded' });
      expect(renewals).toBe(1);
    });

    it('reports a renewal the store could not take and tries again at the next beat', async () => {
      const errors: unknown[] = [];
      const { job, repository, clock, stored_, running } = await startRun({ onRenewalError: (e) => errors.push(e) });
      let failNext = true;
      repository.beforeWrite = () => {
        if (repository.writes === 1 && failNext) {
          failNext = false;
          throw new Error('store unavailable');
        }
      };

      clock.advance(2000);
      await jest.advanceTimersByTimeAsync(2000);

      expect(errors).toEqual([expect.objectContaining({ message: 'store unavailable' })]);
      expect(repository.jobs.get(stored_.id)!.consumers.a.leaseExpiresAt).toBe(clock.now().getTime() + 3000);
      job.finish('done');
      expect(await running).toMatchObject({ kind: 'succeeded' });
    });
  });

  it('discards the result of a run whose job was cancelled meanwhile', async () => {
    const cancelling = defineJobType({
      name: 'cancelled-while-running',
      description: 'cancels its own job while it runs',
      inputSchema: Type.Object({}),
      maxAttempts: 1,
      runLimit: { seconds: 60, onTimeout: 'retry' },
      async run(_input, { jobId }) {
        await cancelJob({ repository, clock: new FakeClock() }, alice, jobId);
        return 'late';
      },
    });
    const repository = new InMemoryJobRepository();
    const { run } = setUp({ repository, registry: new JobTypeRegistry([cancelling]) });
    const job = await stored(repository, aJob({ type: 'cancelled-while-running', input: {} }));

    expect(await run(job)).toMatchObject({ kind: 'skipped', stage: 'complete', reason: { code: 'CANCELLED' } });
    expect(repository.jobs.get(job.id)!.consumers.a.result).toBeUndefined();
  });

  describe('a large result', () => {
    const returning = (bytes: number) =>
      defineJobType({
        name: 'big',
        description: 'returns a string of the given size, serialized',
        inputSchema: Type.Object({}),
        maxAttempts: 3,
        runLimit: { seconds: 60, onTimeout: 'retry' },
        // The JSON string's two quotes count.
        run: async () => 'x'.repeat(bytes - 2),
      });

    it('stays inline up to the inline limit', async () => {
      const results = new InMemoryResultStore();
      const { repository, run } = setUp({ registry: new JobTypeRegistry([returning(INLINE_RESULT_MAX_BYTES)]), results });
      const job = await stored(repository, aJob({ type: 'big', input: {} }));

      expect(await run(job)).toMatchObject({ kind: 'succeeded' });
      const entry = (await repository.get(job.id))?.consumers['a'];
      expect(entry?.result).toHaveLength(INLINE_RESULT_MAX_BYTES - 2);
      expect(entry?.resultRef).toBeUndefined();
      expect(results.objects.size).toBe(0);
    });

    it('goes to the result store beyond it, under its claim, and the entry keeps the reference alone', async () => {
      const results = new InMemoryResultStore();
      const { repository, run } = setUp({ registry: new JobTypeRegistry([returning(INLINE_RESULT_MAX_BYTES + 1)]), results });
      const job = await stored(repository, aJob({ type: 'big', input: {} }));

      expect(await run(job)).toMatchObject({ kind: 'succeeded' });
      const entry = (await repository.get(job.id))?.consumers['a'];
      expect(entry?.result).toBeUndefined();
      expect(entry?.resultRef).toEqual({
        key: `results/${job.id}/a/${entry?.finishedBy}.json`,
        bytes: INLINE_RESULT_MAX_BYTES + 1,
        contentType: 'application/json',
      });
      const object = results.objects.get(entry?.resultRef?.key ?? '');
      expect(object?.body.toString('utf8')).toBe(JSON.stringify('x'.repeat(INLINE_RESULT_MAX_BYTES - 1)));
    });

    it('is retried like any passing failure when the store refuses it', async () => {
      const results = new InMemoryResultStore();
      results.refuse = new Error('S3 is unreachable');
      const { repository, run } = setUp({ registry: new JobTypeRegistry([returning(INLINE_RESULT_MAX_BYTES + 1)]), results });
      const job = await stored(repository, aJob({ type: 'big', input: {} }));

      expect(await run(job)).toMatchObject({ kind: 'retry', reason: { message: 'S3 is unreachable' } });
      expect((await repository.get(job.id))?.consumers['a']).toMatchObject({
        status: 'PENDING',
        lastError: { message: 'S3 is unreachable' },
      });
    });

    it('fails for good without a result store', async () => {
      const { repository, published, run } = setUp({ registry: new JobTypeRegistry([returning(INLINE_RESULT_MAX_BYTES + 1)]) });
      const job = await stored(repository, aJob({ type: 'big', input: {} }));

      expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'RESULT_TOO_LARGE' } });
      expect(published).toHaveLength(1);
    });
  });

  describe("a type's run limit", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** A type whose runs never finish by themselves; `heeds` says whether they stop when their signal fires. */
    const endless = (onTimeout: 'retry' | 'fail', heeds: { aborted: boolean } | undefined) =>
      defineJobType({
        name: 'endless',
        description: 'never finishes',
        inputSchema: Type.Object({}),
        maxAttempts: 2,
        runLimit: { seconds: 20, onTimeout },
        run: (_input, { signal }) =>
          new Promise<never>((_, reject) => {
            if (heeds) signal.addEventListener('abort', () => ((heeds.aborted = true), reject(new Error('stopped as asked'))));
          }),
      });

    it('stops the run at the limit and fails it for good as RUN_TIMED_OUT when the type says so, even if the run ignores its signal', async () => {
      const { repository, published, run } = setUp({ registry: new JobTypeRegistry([endless('fail', undefined)]) });
      const job = await stored(repository, aJob({ type: 'endless', input: {} }));

      const outcome = run(job);
      await jest.advanceTimersByTimeAsync(19_999);
      expect(published).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);

      await expect(outcome).resolves.toMatchObject({
        kind: 'failed',
        attempt: 1,
        reason: { code: 'RUN_TIMED_OUT', message: expect.stringContaining('limit of 20s') },
      });
      expect(published).toEqual([expect.objectContaining({ reason: expect.objectContaining({ code: 'RUN_TIMED_OUT' }) })]);
    });

    it('aborts the run through its signal at the limit, and retries it when the type says so, up to its attempts', async () => {
      const heeds = { aborted: false };
      const { repository, published, run } = setUp({ registry: new JobTypeRegistry([endless('retry', heeds)]) });
      const job = await stored(repository, aJob({ type: 'endless', input: {} }));

      const first = run(job);
      await jest.advanceTimersByTimeAsync(20_000);
      await expect(first).resolves.toMatchObject({ kind: 'retry', attempt: 1, reason: { code: 'RUN_TIMED_OUT' } });
      expect(heeds.aborted).toBe(true);
      expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'PENDING', lastError: { code: 'RUN_TIMED_OUT' } });

      const second = run(job);
      await jest.advanceTimersByTimeAsync(20_000);
      await expect(second).resolves.toMatchObject({
        kind: 'failed',
        attempt: 2,
        reason: { code: 'ATTEMPTS_EXHAUSTED', message: expect.stringContaining('RUN_TIMED_OUT') },
      });
      expect(published).toHaveLength(1);
    });
  });

  it('fails a job of a type this deployment does not know', async () => {
    const { repository, run } = setUp();
    const job = await stored(repository, aJob({ type: 'retired-type', input: {} }));
    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'UNKNOWN_JOB_TYPE' } });
  });

  it('lets a permanent error from a job type through with its own code', async () => {
    const picky = defineJobType({
      name: 'picky',
      description: 'refuses its input',
      inputSchema: Type.Object({}),
      maxAttempts: 3,
      runLimit: { seconds: 60, onTimeout: 'retry' },
      run: async () => {
        throw new PermanentJobError('NOT_SUPPORTED', 'no');
      },
    });
    const { repository, run } = setUp({ registry: new JobTypeRegistry([picky]) });
    const job = await stored(repository, aJob({ type: 'picky', input: {} }));
    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'NOT_SUPPORTED' }, attempt: 1 });
  });
});
