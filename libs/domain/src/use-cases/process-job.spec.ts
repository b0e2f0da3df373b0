import { Type } from '@sinclair/typebox';
import { aJob, anEntry } from '../../tests/helpers/job-factory';
import { FakeClock } from '../../tests/helpers/fake-clock';
import { InMemoryJobRepository } from '../../tests/helpers/in-memory-job-repository';
import { PermanentJobError } from '../errors';
import type { Job } from '../job';
import { defineJobType } from '../job-types/job-type';
import { JobTypeRegistry } from '../job-types/job-type-registry';
import { createSleepJobType } from '../job-types/sleep-job';
import type { JobFailureNotice } from '../ports/failure-publisher';
import { cancelJob } from './cancel-job';
import { processJob, type ProcessJobDeps } from './process-job';

const flaky = defineJobType({
  name: 'flaky',
  description: 'fails with an ordinary error',
  inputSchema: Type.Object({}, { additionalProperties: false }),
  maxAttempts: 2,
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
    clock,
    registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), flaky]),
    publisher: { publishFailure: async (notice) => void published.push(notice) },
    ids: { newJobId: () => 'unused', newClaimToken: () => `token-${++token}` },
    ...overrides,
  };
  const run = async (job: Job, consumerId = 'a') => processJob(deps, { job, consumerId, leaseExpiresAt: clock.now().getTime() + 60_000 });
  return { repository, clock, published, deps, run };
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
    expect(published).toEqual([expect.objectContaining({ kind: 'JobFailed', jobId: job.id, consumerId: 'a', attempt: 1, reason: expect.objectContaining({ code: 'SLEEP_TOO_LONG' }) })]);
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
    expect(repository.jobs.get(job.id)!.consumers.a).toMatchObject({ status: 'PENDING', attempts: 1, lastError: { code: 'JOB_RUN_ERROR' } });

    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'ATTEMPTS_EXHAUSTED' }, attempt: 2 });
    expect(published[0].reason.message).toContain('downstream timed out');
  });

  it('hands the job back for redelivery when the failure cannot be published', async () => {
    const { repository, run } = setUp({ publisher: { publishFailure: async () => Promise.reject(new Error('SNS down')) } });
    const job = await stored(repository, aJob({ input: { seconds: 301 } }));

    expect(await run(job)).toMatchObject({ kind: 'retry', reason: { code: 'FAILURE_NOT_PUBLISHED' } });
    expect(repository.jobs.get(job.id)!.consumers.a.status).toBe('PENDING');
  });

  it('asks for a retry while another run holds the claim', async () => {
    const { repository, clock, run } = setUp();
    const job = await stored(repository, aJob({ consumers: { a: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'x', leaseExpiresAt: clock.now().getTime() + 5000 }), b: anEntry() } }));

    expect(await run(job)).toMatchObject({ kind: 'retry', reason: { code: 'CLAIM_HELD' } });
  });

  it('discards the result of a run whose job was cancelled meanwhile', async () => {
    const cancelling = defineJobType({
      name: 'cancelled-while-running',
      description: 'cancels its own job while it runs',
      inputSchema: Type.Object({}),
      maxAttempts: 1,
      async run(_input, { jobId }) {
        await cancelJob({ repository, clock: new FakeClock() }, jobId);
        return 'late';
      },
    });
    const repository = new InMemoryJobRepository();
    const { run } = setUp({ repository, registry: new JobTypeRegistry([cancelling]) });
    const job = await stored(repository, aJob({ type: 'cancelled-while-running', input: {} }));

    expect(await run(job)).toMatchObject({ kind: 'skipped', stage: 'complete', reason: { code: 'CANCELLED' } });
    expect(repository.jobs.get(job.id)!.consumers.a.result).toBeUndefined();
  });

  it('refuses to store an oversized result', async () => {
    const big = defineJobType({
      name: 'big',
      description: 'returns too much',
      inputSchema: Type.Object({}),
      maxAttempts: 3,
      run: async () => 'x'.repeat(70 * 1024),
    });
    const { repository, published, run } = setUp({ registry: new JobTypeRegistry([big]) });
    const job = await stored(repository, aJob({ type: 'big', input: {} }));

    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'RESULT_TOO_LARGE' } });
    expect(published).toHaveLength(1);
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
      run: async () => {
        throw new PermanentJobError('NOT_SUPPORTED', 'no');
      },
    });
    const { repository, run } = setUp({ registry: new JobTypeRegistry([picky]) });
    const job = await stored(repository, aJob({ type: 'picky', input: {} }));
    expect(await run(job)).toMatchObject({ kind: 'failed', reason: { code: 'NOT_SUPPORTED' }, attempt: 1 });
  });
});
