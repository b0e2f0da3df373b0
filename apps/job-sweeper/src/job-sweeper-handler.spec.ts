import { cryptoIdGenerator } from '@async-jobs/adapters';
import { StoreUnavailableError, systemClock, type ConsumerEntry, type DeadlinePolicy, type Job } from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import { aLambdaContext, aSubmittedJob, CapturedLogs, InMemoryJobRepository } from '@async-jobs/testing';
import { createJobSweeperHandler, SweepIncompleteError, type JobSweeperDeps } from './job-sweeper-handler';

/** In memory: the sweep index's query against DynamoDB Local is the adapter's spec (findOverdue); here, the sweeper's behaviour. */
describe('job sweeper', () => {
  let repository: InMemoryJobRepository;
  let logs: CapturedLogs;
  let deps: JobSweeperDeps;
  // Short deadlines, as the local environment has them.
  const deadlines: DeadlinePolicy = { pickupMs: 60_000, marginMs: 10_000, handOverMs: 20_000 };

  beforeEach(() => {
    repository = new InMemoryJobRepository();
    logs = new CapturedLogs();
    deps = {
      logger: createLogger({ service: 'job-sweeper', destination: logs, level: 'debug' }),
      metrics: new Metrics({ service: 'job-sweeper', destination: logs }),
      repository,
      clock: systemClock,
      ids: cryptoIdGenerator,
      consumers: ['a', 'b'],
      deadlines,
    };
  });

  /** A job created `ageMs` ago, as jobs-api stores it, with its entries as given. */
  async function stored(ageMs: number, entries: (job: Job) => Record<string, ConsumerEntry>): Promise<Job> {
    const job = aSubmittedJob({ now: new Date(Date.now() - ageMs) });
    const withEntries = { ...job, consumers: entries(job) };
    await repository.create(withEntries);
    return withEntries;
  }
  const finished: ConsumerEntry = { status: 'SUCCEEDED', attempts: 1, updatedAt: new Date().toISOString(), result: null };

  it('ends what nothing else will finish, with a line of each job’s story and a metric per consumer and stall', async () => {
    // Never claimed by consumer b, and the stream's minute is long over: its mapping was deleted.
    const neverStarted = await stored(120_000, (job) => ({ a: finished, b: { ...job.consumers['b'], deadline: Date.now() - 50_000 } }));
    // Consumer a's run stopped renewing two minutes ago; nothing took it over.
    const abandoned = await stored(300_000, () => ({
      a: {
        status: 'RUNNING',
        attempts: 1,
        claimToken: 'crashed',
        leaseExpiresAt: Date.now() - 120_000,
        deadline: Date.now() - 100_000,
        updatedAt: new Date().toISOString(),
      },
      b: finished,
    }));
    // A live run: left alone.
    const live = await stored(300_000, () => ({
      a: {
        status: 'RUNNING',
        attempts: 1,
        claimToken: 'live',
        leaseExpiresAt: Date.now() + 6000,
        deadline: Date.now() - 1000,
        updatedAt: new Date().toISOString(),
      },
      b: finished,
    }));
    const context = aLambdaContext();

    await expect(createJobSweeperHandler(deps)({}, context)).resolves.toEqual({ ended: 2, postponed: 1 });

    expect((await repository.get(neverStarted.id))?.consumers['b']).toMatchObject({ status: 'FAILED', error: { code: 'NOT_STARTED' } });
    expect((await repository.get(abandoned.id))?.consumers['a']).toMatchObject({ status: 'FAILED', error: { code: 'RUN_ABANDONED' } });
    expect((await repository.get(live.id))?.consumers['a']).toMatchObject({ status: 'RUNNING', claimToken: 'live' });
    expect(logs.find('stalled entry ended').map((l) => [l['jobId'], l['consumerId'], l['stall'], l['requestId']])).toEqual(
      expect.arrayContaining([
        [neverStarted.id, 'b', 'NOT_STARTED', context.awsRequestId],
        [abandoned.id, 'a', 'RUN_ABANDONED', context.awsRequestId],
      ]),
    );
    expect(
      logs
        .metric('EntriesStalled')
        .map((m) => [m['consumer'], m['code']])
        .sort(),
    ).toEqual([
      ['a', 'RUN_ABANDONED'],
      ['b', 'NOT_STARTED'],
    ]);
    // Ended entries leave the index: a second sweep finds nothing of theirs.
    logs.lines.length = 0;
    await createJobSweeperHandler(deps)({}, aLambdaContext());
    expect(logs.find('stalled entry ended')).toEqual([]);
  });

  it('sweeps what it can, logs each entry the store would not take, then fails the invocation so that an alarm sees it', async () => {
    const refused = await stored(120_000, (job) => ({ a: finished, b: { ...job.consumers['b'], deadline: Date.now() - 50_000 } }));
    const fine = await stored(120_000, (job) => ({ a: finished, b: { ...job.consumers['b'], deadline: Date.now() - 50_000 } }));
    const refusing = Object.assign(Object.create(repository) as InMemoryJobRepository, {
      applyChange: (jobId: string, change: Parameters<InMemoryJobRepository['applyChange']>[1]) =>
        jobId === refused.id ? Promise.reject(new StoreUnavailableError('unreachable')) : repository.applyChange(jobId, change),
    });

    await expect(createJobSweeperHandler({ ...deps, repository: refusing })({}, aLambdaContext())).rejects.toBeInstanceOf(
      SweepIncompleteError,
    );

    expect((await repository.get(fine.id))?.consumers['b'].status).toBe('FAILED');
    expect((await repository.get(refused.id))?.consumers['b'].status).toBe('PENDING');
    expect(logs.find('entry could not be swept: looked at again at the next sweep if still overdue')).toEqual([
      expect.objectContaining({
        jobId: refused.id,
        consumerId: 'b',
        level: 'error',
        reason: expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
      }),
    ]);
  });

  it('answers in time: with no time left it takes no page', async () => {
    await stored(120_000, (job) => ({ a: finished, b: { ...job.consumers['b'], deadline: Date.now() - 50_000 } }));
    await expect(createJobSweeperHandler(deps)({}, aLambdaContext({ remainingMs: 1000 }))).resolves.toEqual({ ended: 0, postponed: 0 });
  });
});
