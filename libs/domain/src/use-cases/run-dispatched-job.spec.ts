import { Type } from '@sinclair/typebox';
import type { Job } from '../job';
import { defineJobType, executionOf } from '../job-types/job-type';
import { JobTypeRegistry } from '../job-types/job-type-registry';
import { createSleepJobType } from '../job-types/sleep-job';
import type { JobFailureNotice } from '../ports/failure-notice-publisher';
import { cancelJob } from './cancel-job';
import { processJob, type ProcessJobDeps } from './process-job';
import { runDispatchedJob, type RunDispatchedJobDeps } from './run-dispatched-job';
import { FakeClock, InMemoryJobRepository, RecordingRunDispatcher, aJob, alice, anEntry, deployedDeadlines } from '../../testing';

const DISPATCH_LEASE_MS = 600_000;
const lease = { durationMs: 30_000, renewEveryMs: 0 };

/** Fails with an ordinary (retryable) error on its first `failures` runs, then succeeds; runs on the runner. */
function unreliable(failures: number) {
  let runs = 0;
  return defineJobType({
    name: 'unreliable',
    description: 'fails retryably, then works',
    inputSchema: Type.Object({}, { additionalProperties: false }),
    maxAttempts: 3,
    runLimit: { seconds: 60, onTimeout: 'retry' },
    execution: 'runner',
    async run() {
      runs += 1;
      if (runs <= failures) throw new Error(`downstream timed out (run ${runs})`);
      return { runs };
    },
  });
}

function setUp(failures = 0) {
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock();
  const runner = new RecordingRunDispatcher();
  const published: JobFailureNotice[] = [];
  let token = 0;
  const deps: RunDispatchedJobDeps & ProcessJobDeps = {
    repository,
    deadlines: deployedDeadlines,
    clock,
    registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), unreliable(failures)]),
    publisher: { publishFailure: async (notice) => void published.push(notice) },
    ids: { newJobId: () => 'unused', newToken: () => `token-${++token}` },
    dispatcher: runner,
    dispatchLeaseMs: DISPATCH_LEASE_MS,
    dispatch: { dispatcher: runner, leaseMs: DISPATCH_LEASE_MS },
  };
  const deadline = () => clock.now().getTime() + 900_000;
  /** The stream processor's delivery of the job's record. */
  const deliver = (job: Job) => processJob(deps, { job, consumerId: 'a', lease, deadline: deadline() });
  /** The runner's invocation with the n-th order sent so far. */
  const runOrder = (n: number) => runDispatchedJob(deps, { order: runner.orders[n], lease, deadline: deadline() });
  return { repository, clock, runner, published, deps, deliver, runOrder };
}

async function stored(repository: InMemoryJobRepository, job: Job): Promise<Job> {
  await repository.create(job);
  return job;
}

describe('dispatching a run to the runner', () => {
  it('claims the job for the runner and sends its order without running it: the batch moves on at once', async () => {
    const { repository, clock, runner, deliver } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));

    const outcome = await deliver(job);

    expect(outcome).toEqual({ kind: 'dispatched', attempt: 1 });
    expect(clock.sleeps).toEqual([]);
    const entry = repository.jobs.get(job.id)!.consumers['a'];
    expect(entry).toMatchObject({ status: 'RUNNING', attempts: 1, claimToken: 'token-1', dispatchedAt: clock.now().toISOString() });
    // The dispatching claim holds through the runner's queue.
    expect(entry.leaseExpiresAt).toBe(clock.now().getTime() + DISPATCH_LEASE_MS);
    expect(runner.orders).toEqual([
      {
        kind: 'JobRunDispatched',
        jobId: job.id,
        consumerId: 'a',
        claimToken: 'token-1',
        job: repository.jobs.get(job.id),
        dispatchedAt: entry.dispatchedAt,
      },
    ]);
    expect(repository.calls).toEqual(['create', 'applyChange']); // one claim write, no read
  });

  it('runs a type inline when its rule says so: a short sleep never waits for a runner', async () => {
    const { repository, runner, deliver } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 1 } }));

    expect(await deliver(job)).toMatchObject({ kind: 'succeeded' });
    expect(runner.orders).toEqual([]);
  });

  it('releases the claim for the stream to deliver again when the runner does not take the order', async () => {
    const { repository, runner, deliver } = setUp();
    runner.refuse = new Error('connect ECONNREFUSED');
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));

    const outcome = await deliver(job);

    expect(outcome).toMatchObject({ kind: 'retry', reason: { code: 'DISPATCH_FAILED' } });
    const entry = repository.jobs.get(job.id)!.consumers['a'];
    // The run never started: its attempt is given back with the claim.
    expect(entry).toMatchObject({ status: 'PENDING', attempts: 0, lastError: { code: 'DISPATCH_FAILED' } });
    expect(entry.claimToken).toBeUndefined();
    expect(entry.dispatchedAt).toBeUndefined();
  });

  it('never uses up attempts on orders the runner did not take: the type still gets every run it allows', async () => {
    const { repository, runner, deliver, runOrder } = setUp(2);
    const job = await stored(repository, aJob({ type: 'unreliable', input: {} }));
    runner.refuse = new Error('Rate exceeded');
    for (let i = 0; i < 5; i++) expect(await deliver(job)).toMatchObject({ kind: 'retry', reason: { code: 'DISPATCH_FAILED' } });
    runner.refuse = undefined;

    await deliver(job);
    // Two retryable failures, then the third of its three attempts succeeds.
    for (let n = 0; n < 3; n++) await runOrder(n);

    expect(repository.jobs.get(job.id)!.consumers['a']).toMatchObject({ status: 'SUCCEEDED', attempts: 3, result: { runs: 3 } });
  });

  it('fails a job whose attempts are used up when it is claimed, without spending a runner on it', async () => {
    const { repository, runner, published, deliver } = setUp();
    const used = anEntry({ attempts: 3, lastError: { code: 'X', message: 'x' } });
    const job = await stored(repository, aJob({ input: { seconds: 20 }, consumers: { a: used, b: anEntry() } }));

    expect(await deliver(job)).toMatchObject({ kind: 'failed', reason: { code: 'ATTEMPTS_EXHAUSTED' }, attempt: 4 });
    expect(runner.orders).toEqual([]);
    expect(published).toEqual([expect.objectContaining({ kind: 'JobFailed', attempt: 4 })]);
    const entry = repository.jobs.get(job.id)!.consumers['a'];
    // Handed over to the error handler, and no longer waiting for a runner.
    expect(entry.leaseExpiresAt).toBeUndefined();
    expect(entry.dispatchedAt).toBeUndefined();
  });

  it('dispatches when it takes over a lapsed run, so that the order it sends can be adopted', async () => {
    const { repository, clock, deliver, runOrder } = setUp();
    const lapsed = anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'dead-runner', leaseExpiresAt: clock.now().getTime() - 1 });
    const job = await stored(repository, aJob({ input: { seconds: 20 }, consumers: { a: lapsed, b: anEntry() } }));

    expect(await deliver(job)).toEqual({ kind: 'dispatched', attempt: 2 });
    expect(repository.jobs.get(job.id)!.consumers['a'].dispatchedAt).toBeDefined();
    expect(await runOrder(0)).toMatchObject({ kind: 'succeeded', attempt: 2 });
  });

  it('fails an unknown type for good even where runs may go to the runner', async () => {
    const { repository, runner, published, deliver } = setUp();
    const job = await stored(repository, aJob({ type: 'no-such-type', input: {} }));

    expect(await deliver(job)).toMatchObject({ kind: 'failed', reason: { code: 'UNKNOWN_JOB_TYPE' } });
    expect(runner.orders).toEqual([]);
    expect(published).toHaveLength(1);
  });

  it('sends the same order again when the record comes again before a runner adopted it, and writes nothing', async () => {
    const { repository, runner, deliver } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    const writes = repository.writes;

    // The processor may have died between its claim and its order: the redelivery cannot tell, and sends it.
    const again = await deliver(job);

    expect(again).toEqual({ kind: 'dispatched', attempt: 1, again: true });
    expect(runner.orders.map((order) => order.claimToken)).toEqual(['token-1', 'token-1']);
    expect(repository.writes).toBe(writes);
  });

  it('acknowledges a record that comes again while a runner holds the job', async () => {
    const { repository, runner, deliver, runOrder } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    const running = runOrder(0); // the runner adopts the claim and sleeps on the fake clock

    const again = await deliver(job);
    await running;

    expect(again).toMatchObject({ kind: 'skipped', stage: 'claim' });
    expect(runner.orders).toHaveLength(1);
  });
});

describe('the runner', () => {
  it('adopts the dispatched claim, runs the job and completes it under its own token: one write more than inline', async () => {
    const { repository, deliver, runOrder } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);

    const outcome = await runOrder(0);

    expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 1 });
    const entry = repository.jobs.get(job.id)!.consumers['a'];
    expect(entry).toMatchObject({ status: 'SUCCEEDED', attempts: 1, result: { sleptSeconds: 20 }, finishedBy: 'token-2' });
    expect(entry.dispatchedAt).toBeUndefined();
    // Claim (processor), adopt and complete (runner), and no read: the order carries the job.
    expect(repository.calls).toEqual(['create', 'applyChange', 'applyChange', 'applyChange']);
  });

  it('runs an order delivered twice once: the second finds the job finished', async () => {
    const { repository, runner, deliver, runOrder } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    await runOrder(0);
    runner.orders.push(runner.orders[0]);

    expect(await runOrder(1)).toMatchObject({ kind: 'skipped', stage: 'claim', reason: { code: 'ALREADY_FINISHED' } });
  });

  it('skips an order whose job was cancelled while it waited in the queue, and runs nothing', async () => {
    const { repository, clock, deliver, runOrder } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    await cancelJob({ repository, clock }, alice, job.id);
    const sleeps = clock.sleeps.length;

    expect(await runOrder(0)).toMatchObject({ kind: 'skipped', stage: 'claim', reason: { code: 'CANCELLED' } });
    expect(clock.sleeps.length).toBe(sleeps);
  });

  it('dispatches the next attempt after a retryable failure, which the next runner adopts and finishes', async () => {
    const { repository, clock, runner, deliver, runOrder } = setUp(1);
    const job = await stored(repository, aJob({ type: 'unreliable', input: {} }));
    await deliver(job);

    const first = await runOrder(0);

    expect(first).toMatchObject({ kind: 'retry', attempt: 1, reason: { message: 'downstream timed out (run 1)' } });
    const waiting = repository.jobs.get(job.id)!.consumers['a'];
    // Still claimed while the order waits: the sweeper sees a live lease, not a job nobody runs.
    expect(waiting).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
      claimToken: runner.orders[1].claimToken,
      lastError: { code: 'JOB_RUN_ERROR' },
    });
    expect(waiting.dispatchedAt).toBe(clock.now().toISOString());
    expect(waiting.leaseExpiresAt).toBe(clock.now().getTime() + DISPATCH_LEASE_MS);

    expect(await runOrder(1)).toMatchObject({ kind: 'succeeded', attempt: 2 });
    expect(repository.jobs.get(job.id)!.consumers['a']).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { runs: 2 } });
  });

  it('releases the claim and throws when the next attempt cannot be dispatched: Lambda retries the invocation, which claims it', async () => {
    const { repository, clock, runner, deliver, runOrder } = setUp(1);
    const job = await stored(repository, aJob({ type: 'unreliable', input: {} }));
    await deliver(job);
    runner.refuse = new Error('Rate exceeded');

    await expect(runOrder(0)).rejects.toThrow('Rate exceeded');
    const released = repository.jobs.get(job.id)!.consumers['a'];
    // The next attempt never started: its attempt is given back, and the sweeper waits as long as Lambda's retry may.
    expect(released).toMatchObject({ status: 'PENDING', attempts: 1, lastError: { code: 'JOB_RUN_ERROR' } });
    expect(released.deadline).toBeGreaterThanOrEqual(clock.now().getTime() + DISPATCH_LEASE_MS);

    runner.refuse = undefined;
    // Lambda's retry delivers the same order: its dispatch is gone, so it claims the released entry.
    expect(await runOrder(0)).toMatchObject({ kind: 'succeeded', attempt: 2 });
  });

  it("adopts the entry's current dispatch when an older order is delivered: a retry whose order a dead runner never sent", async () => {
    const { repository, clock, runner, deliver, deps } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    // A runner adopted the order, failed retryably, wrote the next dispatch d2 and died before sending its order.
    const d2 = {
      claimToken: 'd2',
      leaseExpiresAt: clock.now().getTime() + DISPATCH_LEASE_MS,
      dispatchedAt: clock.now().toISOString(),
    };
    await repository.applyChange(job.id, {
      expect: { entries: { a: { kind: 'dispatched', claimToken: 'token-1' } } },
      entries: { a: { set: d2, incrementAttempts: true } },
      updatedAt: clock.now().toISOString(),
    });

    // Lambda retries the old order, whose budget is far shorter than d2's lease: it adopts d2 rather than wait for it.
    const outcome = await runDispatchedJob(deps, { order: runner.orders[0], lease, deadline: clock.now().getTime() + 60_000 });

    expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 2 });
    expect(clock.sleeps).toEqual([20_000]);
  });

  it('dispatches nothing and throws nothing when the job was cancelled while its run failed retryably', async () => {
    const { repository, clock, runner, deps } = setUp();
    const job = await stored(repository, aJob({ type: 'cancelled-then-fails', input: {} }));
    const cancelledThenFails = defineJobType({
      ...unreliable(0),
      name: 'cancelled-then-fails',
      async run() {
        await cancelJob({ repository, clock }, alice, job.id);
        throw new Error('downstream timed out');
      },
    });
    const withType = { ...deps, registry: new JobTypeRegistry([cancelledThenFails]) };
    await processJob(withType, { job, consumerId: 'a', lease, deadline: clock.now().getTime() + 900_000 });

    const outcome = await runDispatchedJob(withType, { order: runner.orders[0], lease, deadline: clock.now().getTime() + 900_000 });

    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(runner.orders).toHaveLength(1);
    expect(repository.jobs.get(job.id)!.consumers['a'].status).toBe('CANCELLED');
  });

  it('hands a failure over on the last attempt, under the runner’s claim', async () => {
    const { repository, published, runner, deliver, runOrder } = setUp(5);
    const job = await stored(repository, aJob({ type: 'unreliable', input: {} }));
    await deliver(job);
    await runOrder(0);
    await runOrder(1);

    const last = await runOrder(2);

    expect(last).toMatchObject({ kind: 'failed', attempt: 3, reason: { code: 'ATTEMPTS_EXHAUSTED' } });
    const entry = repository.jobs.get(job.id)!.consumers['a'];
    expect(published).toEqual([expect.objectContaining({ kind: 'JobFailed', attempt: 3, claimToken: entry.claimToken })]);
    expect(entry.leaseExpiresAt).toBeUndefined();
    expect(runner.orders).toHaveLength(3);
  });

  it('takes over from a runner that died once its lease lapses, as the next attempt (Lambda retries the order)', async () => {
    const { repository, clock, deliver, runOrder } = setUp();
    const job = await stored(repository, aJob({ input: { seconds: 20 } }));
    await deliver(job);
    // A runner adopted the claim, then its environment died: its lease runs out 30 s after adoption.
    const adopted = await repository.applyChange(job.id, {
      expect: { entries: { a: { kind: 'dispatched', claimToken: 'token-1' } } },
      entries: { a: { set: { claimToken: 'dead-runner', leaseExpiresAt: clock.now().getTime() + 30_000 }, remove: ['dispatchedAt'] } },
      updatedAt: clock.now().toISOString(),
    });
    expect(adopted.applied).toBe(true);

    const outcome = await runOrder(0);

    expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 2 });
    expect(clock.sleeps[0]).toBe(30_001);
  });
});

describe('where a run happens', () => {
  it('is inline unless the type says otherwise, and the sleep goes to the runner beyond 2 s', () => {
    const sleep = createSleepJobType({ maxSeconds: 300 });
    const plain = defineJobType({ ...unreliable(0), execution: undefined });
    expect([executionOf(plain, {}), executionOf(unreliable(0), {})]).toEqual(['inline', 'runner']);
    expect([1, 2, 3, 300].map((seconds) => executionOf(sleep, { seconds }))).toEqual(['inline', 'inline', 'runner', 'runner']);
    // An input the rule cannot judge runs inline, where validation fails it for good.
    expect(executionOf(sleep, null)).toBe('inline');
  });
});
