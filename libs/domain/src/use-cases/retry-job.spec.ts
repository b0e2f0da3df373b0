import { Type } from '@sinclair/typebox';
import { JobNotFoundError, NothingToRetryError } from '../errors';
import type { Job } from '../job';
import { deriveJobStatus } from '../job-status';
import { defineJobType } from '../job-types/job-type';
import { JobTypeRegistry } from '../job-types/job-type-registry';
import { sweepVerdict } from '../sweep-transition';
import { processJob } from './process-job';
import { retryJob } from './retry-job';
import { FakeClock, InMemoryJobRepository, aJob, alice, anEntry, bob, deployedDeadlines } from '../../testing';

const failure = { code: 'RUN_RETRIES_EXHAUSTED', message: 'The runner failed the run in all 3 invocations' };
const failedEntry = (attempts = 3) =>
  anEntry({ status: 'FAILED', attempts, error: failure, finishedAt: '2026-01-01T00:00:05.000Z', finishedBy: 'f1' });

async function setUp(job: Job) {
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock(new Date('2026-01-01T02:00:00.000Z'));
  await repository.create(job);
  return { repository, clock, deps: { repository, clock, deadlines: deployedDeadlines } };
}

describe('retrying a job', () => {
  it('puts every FAILED entry back to PENDING, attempts and failure kept, and marks the write for the stream', async () => {
    const job = aJob({ consumers: { a: failedEntry(), b: anEntry({ status: 'SUCCEEDED', attempts: 1, result: 1 }) } });
    const { repository, clock, deps } = await setUp(job);

    const retried = await retryJob(deps, alice, job.id);

    expect(retried.consumers['a']).toMatchObject({
      status: 'PENDING',
      attempts: 3,
      lastError: failure,
      retriedAt: clock.now().toISOString(),
      attemptsBeforeRetry: 3,
      // Deliverable for the stream's maximum record age from the retry, as a new job is from its creation.
      deadline: clock.now().getTime() + deployedDeadlines.pickupMs + deployedDeadlines.marginMs,
    });
    for (const gone of ['error', 'finishedAt', 'finishedBy'] as const) expect(retried.consumers['a'][gone]).toBeUndefined();
    expect(retried.consumers['b']).toEqual(job.consumers['b']);
    expect(retried.retryRequestedAt).toBe(clock.now().toISOString());
    // Visibly retrying, not new: PENDING with attempts reads as RUNNING.
    expect(deriveJobStatus(retried)).toBe('RUNNING');
    expect(repository.writes).toBe(1);
  });

  it('refuses a job with nothing to retry (409), writing nothing', async () => {
    for (const consumers of [
      { a: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 't', leaseExpiresAt: 9e12 }), b: failedEntry() },
      { a: anEntry({ status: 'SUCCEEDED', attempts: 1 }), b: anEntry({ status: 'SUCCEEDED', attempts: 1 }) },
    ]) {
      const job = aJob({ consumers });
      const { repository, deps } = await setUp(job);
      await expect(retryJob(deps, alice, job.id)).rejects.toBeInstanceOf(NothingToRetryError);
      expect(repository.writes).toBe(0);
    }
    const cancelled = aJob({
      cancelledAt: '2026-01-01T00:00:01.000Z',
      consumers: { a: failedEntry(), b: anEntry({ status: 'CANCELLED' }) },
    });
    const { deps } = await setUp(cancelled);
    await expect(retryJob(deps, alice, cancelled.id)).rejects.toMatchObject({ code: 'NOTHING_TO_RETRY', status: 'CANCELLED' });
  });

  it("answers another owner's job as a missing one, writing nothing", async () => {
    const job = aJob({ consumers: { a: failedEntry(), b: failedEntry() } });
    const { repository, deps } = await setUp(job);
    await expect(retryJob(deps, bob, job.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect(repository.writes).toBe(0);
  });

  it('gives the type its maxAttempts again, and the first claim after the retry takes the mark away', async () => {
    let runs = 0;
    const flaky = defineJobType({
      name: 'sleep',
      description: 'fails its first three runs',
      inputSchema: Type.Object({ seconds: Type.Integer() }),
      maxAttempts: 3,
      runLimit: { seconds: 60, onTimeout: 'retry' },
      async run() {
        runs += 1;
        if (runs <= 3) throw new Error(`run ${runs} failed`);
        return { runs };
      },
    });
    const job = aJob({ consumers: { a: failedEntry(3), b: anEntry({ status: 'SUCCEEDED', attempts: 1 }) } });
    const { repository, clock, deps } = await setUp(job);
    runs = 3;
    const retried = await retryJob(deps, alice, job.id);

    const outcome = await processJob(
      {
        ...deps,
        registry: new JobTypeRegistry([flaky]),
        publisher: { publishFailure: async () => undefined },
        ids: { newJobId: () => 'x', newToken: () => 'claim-4' },
      },
      { job: retried, consumerId: 'a', lease: { durationMs: 30_000, renewEveryMs: 0 }, deadline: clock.now().getTime() + 600_000 },
    );

    expect(outcome).toMatchObject({ kind: 'succeeded', attempt: 4 });
    expect(repository.jobs.get(job.id)?.retryRequestedAt).toBeUndefined();
  });

  it("counts the retried entry's pickup window from the retry, not the job's creation, for the sweeper", async () => {
    const job = aJob({ consumers: { a: failedEntry(), b: failedEntry() } });
    const { clock, deps } = await setUp(job);
    const retried = await retryJob(deps, alice, job.id);

    // Long after the job's own window (created at midnight), but within the retry's.
    const verdict = sweepVerdict(retried, retried.consumers['a'], clock.now().getTime() + 60_000, deployedDeadlines);
    expect(verdict).toMatchObject({ kind: 'postpone' });
  });
});
