import { Type } from '@sinclair/typebox';
import { cryptoIdGenerator, outageWaitLog, PatientJobRepository } from '@async-jobs/adapters';
import {
  createSleepJobType,
  defineJobType,
  JobTypeRegistry,
  processJob,
  StoreUnavailableError,
  type Job,
  type JobChange,
} from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import {
  aLambdaContext,
  aSubmittedJob,
  CapturedLogs,
  deployedDeadlines,
  FakeClock,
  InMemoryJobRepository,
  RecordingFailureNoticePublisher,
  RecordingRunDispatcher,
  anUnavailableRepository,
} from '@async-jobs/testing';
import { createJobRunnerHandler, NotARunOrderError, type JobRunnerDeps } from './job-runner-handler';

const DISPATCH_LEASE_MS = 120_000;

const flaky = defineJobType({
  name: 'flaky',
  description: 'fails retryably',
  inputSchema: Type.Object({}),
  maxAttempts: 3,
  runLimit: { seconds: 60, onTimeout: 'retry' },
  execution: 'runner',
  run: async () => {
    throw new Error('dependency timed out');
  },
});

/** In memory: the dispatcher's wire is the adapters' spec against moto; here, the handler's behaviour. */
describe('job-runner handler', () => {
  let logs: CapturedLogs;
  let clock: FakeClock;
  let repository: InMemoryJobRepository;
  let queue: RecordingRunDispatcher;
  let deps: JobRunnerDeps;
  let handle: ReturnType<typeof createJobRunnerHandler>;

  beforeEach(() => {
    logs = new CapturedLogs();
    clock = new FakeClock(new Date());
    repository = new InMemoryJobRepository();
    queue = new RecordingRunDispatcher();
    deps = {
      logger: createLogger({ service: 'job-runner', destination: logs, level: 'debug' }),
      metrics: new Metrics({ service: 'job-runner', destination: logs }),
      consumers: ['a', 'b'],
      lease: { durationMs: 20_000, renewEveryMs: 0 },
      repository,
      registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), flaky]),
      publisher: new RecordingFailureNoticePublisher(),
      dispatcher: queue,
      dispatchLeaseMs: DISPATCH_LEASE_MS,
      ids: cryptoIdGenerator,
      clock,
      deadlines: deployedDeadlines,
    };
    handle = createJobRunnerHandler(deps);
  });

  /** A job submitted and dispatched by consumer a's processor: its order is the last one queued. */
  async function dispatched(overrides: Parameters<typeof aSubmittedJob>[0] = {}): Promise<Job> {
    const job = aSubmittedJob({ input: { seconds: 30 }, ...overrides });
    await repository.create(job);
    const outcome = await processJob(
      { ...deps, dispatch: { dispatcher: queue, leaseMs: DISPATCH_LEASE_MS } },
      { job, consumerId: 'a', lease: deps.lease, deadline: Date.now() + 600_000 },
    );
    expect(outcome.kind).toBe('dispatched');
    return job;
  }

  it("runs the dispatched job on the order's consumer, telling its story under the invocation's request id", async () => {
    const job = await dispatched();
    clock.advance(4_000); // the order waited in the queue

    await handle(queue.orders[0], aLambdaContext({ awsRequestId: 'req-1' }));

    const stored = await repository.get(job.id);
    expect(stored?.consumers['a']).toMatchObject({ status: 'SUCCEEDED', attempts: 1, result: { sleptSeconds: 30 } });
    expect(stored?.consumers['b'].status).toBe('PENDING');
    const story = logs.lines.filter((line) => line['jobId'] === job.id && !('_aws' in line));
    expect(story.map((line) => line['message'])).toEqual(['run adopted', 'job succeeded']);
    for (const line of story) expect(line).toMatchObject({ requestId: 'req-1', consumerId: 'a', jobType: 'sleep' });
    expect(story[0]).toMatchObject({ attempt: 1, waitedMs: 4_000 });
    expect(logs.metric('RunStartDelay')).toEqual([expect.objectContaining({ consumer: 'a', RunStartDelay: 4_000, requestId: 'req-1' })]);
    expect(logs.metric('JobsSucceeded')).toEqual([expect.objectContaining({ consumer: 'a', jobType: 'sleep', jobId: job.id })]);
  });

  it('dispatches the next attempt of a retryable failure and answers normally: no Lambda retry, no function error', async () => {
    const job = await dispatched({ type: 'flaky', input: {} });

    await expect(handle(queue.orders[0], aLambdaContext())).resolves.toBeUndefined();

    expect(queue.orders).toHaveLength(2);
    expect(queue.orders[1]).toMatchObject({ jobId: job.id, consumerId: 'a' });
    expect(logs.find('run failed: the next attempt is dispatched')).toEqual([
      expect.objectContaining({ attempt: 1, reason: { code: 'JOB_RUN_ERROR', message: 'dependency timed out' } }),
    ]);
    expect(logs.metric('JobsRetry')).toHaveLength(1);
  });

  it('fails the invocation when the store stays away, so that Lambda retries the order', async () => {
    const job = await dispatched();
    handle = createJobRunnerHandler({ ...deps, repository: anUnavailableRepository() });

    await expect(handle(queue.orders[0], aLambdaContext())).rejects.toThrow();

    expect(logs.find('run failed: Lambda retries the order')).toEqual([expect.objectContaining({ jobId: job.id, consumerId: 'a' })]);
    expect((await repository.get(job.id))?.consumers['a']).toMatchObject({ status: 'RUNNING', claimToken: queue.orders[0].claimToken });
  });

  it("names the order's consumer on the wait lines of an outage it rides out, though it is wired for every consumer", async () => {
    const job = await dispatched();
    let unreachable = 2;
    const flakyStore = Object.assign(Object.create(repository) as InMemoryJobRepository, {
      applyChange: async (jobId: string, change: JobChange) => {
        if (unreachable-- > 0) throw new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:8000');
        return repository.applyChange(jobId, change);
      },
    });
    const patience = {
      patienceMs: 10_000,
      baseDelayMs: 1,
      maxDelayMs: 5,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      onWait: outageWaitLog(deps.logger),
    };
    handle = createJobRunnerHandler({ ...deps, repository: new PatientJobRepository(flakyStore, patience) });

    await handle(queue.orders[0], aLambdaContext({ awsRequestId: 'request-9' }));

    expect(logs.find('dependency unavailable: waiting')).toEqual([
      expect.objectContaining({ jobId: job.id, consumerId: 'a', requestId: 'request-9', attempt: 1 }),
      expect.objectContaining({ jobId: job.id, consumerId: 'a', requestId: 'request-9', attempt: 2 }),
    ]);
    expect((await repository.get(job.id))?.consumers['a'].status).toBe('SUCCEEDED');
  });

  it('takes over a run whose runner died, saying so, and counts no wait in the queue for it', async () => {
    const job = await dispatched();
    // A runner adopted the order and died: its lease ran out a moment ago.
    await repository.applyChange(job.id, {
      expect: { entries: { a: { kind: 'dispatched', claimToken: queue.orders[0].claimToken } } },
      entries: { a: { set: { claimToken: 'dead-runner', leaseExpiresAt: clock.now().getTime() - 1 }, remove: ['dispatchedAt'] } },
      updatedAt: clock.now().toISOString(),
    });
    clock.advance(90_000); // Lambda's retry comes a minute and a half later

    await handle(queue.orders[0], aLambdaContext());

    expect(logs.find('run taken over: the previous runner stopped renewing')).toEqual([
      expect.objectContaining({ jobId: job.id, attempt: 2 }),
    ]);
    expect(logs.find('run adopted')).toEqual([]);
    expect(logs.metric('RunStartDelay')).toEqual([]);
    expect((await repository.get(job.id))?.consumers['a']).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('does not wait out a lease that outlasts its own invocation: a live runner answers for the job', async () => {
    const job = await dispatched();
    await repository.applyChange(job.id, {
      expect: { entries: { a: { kind: 'dispatched', claimToken: queue.orders[0].claimToken } } },
      entries: { a: { set: { claimToken: 'live-runner', leaseExpiresAt: clock.now().getTime() + 30_000 }, remove: ['dispatchedAt'] } },
      updatedAt: clock.now().toISOString(),
    });

    await handle(queue.orders[0], aLambdaContext({ remainingMs: 10_000 }));

    expect(clock.sleeps).toEqual([]);
    expect(logs.find('order skipped')).toEqual([
      expect.objectContaining({ jobId: job.id, reason: expect.objectContaining({ code: 'CLAIM_HELD' }) }),
    ]);
    expect((await repository.get(job.id))?.consumers['a']).toMatchObject({ status: 'RUNNING', claimToken: 'live-runner' });
  });

  it('refuses what is not a run order of this deployment, writing nothing', async () => {
    const job = await dispatched();
    const writes = repository.writes;
    const foreign = { ...queue.orders[0], consumerId: 'z' };

    for (const event of [{ hello: 'world' }, foreign, { ...queue.orders[0], job: { ...queue.orders[0].job, id: 'other' } }]) {
      await expect(handle(event, aLambdaContext())).rejects.toThrow(NotARunOrderError);
    }
    expect(repository.writes).toBe(writes);
    expect(logs.find('not a run order of this deployment: refused')).toHaveLength(3);
    expect((await repository.get(job.id))?.consumers['a'].dispatchedAt).toBeDefined();
  });
});
