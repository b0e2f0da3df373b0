import { Type } from '@sinclair/typebox';
import { cryptoIdGenerator, outageWaitLog, PatientFailureNoticePublisher } from '@async-jobs/adapters';
import { createSleepJobType, defineJobType, JobTypeRegistry, retryJob, type Job, type JobFailureNotice } from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import {
  aLambdaContext,
  anInsertRecord,
  FakeClock,
  aStreamEvent,
  aSubmittedJob,
  alice,
  CapturedLogs,
  deployedDeadlines,
  InMemoryJobRepository,
  RecordingFailureNoticePublisher,
  RecordingJobEventPublisher,
  RecordingRunDispatcher,
  anUnavailableRepository,
} from '@async-jobs/testing';

import { createStreamProcessorHandler, type StreamProcessorDeps } from './stream-processor-handler';

const flaky = defineJobType({
  name: 'flaky',
  description: 'fails retryably',
  inputSchema: Type.Object({}),
  maxAttempts: 3,
  runLimit: { seconds: 60, onTimeout: 'retry' },
  run: async () => {
    throw new Error('dependency timed out');
  },
});

/** In memory: the adapters' specs prove the store and the topic against DynamoDB Local and moto; here, the handler's behaviour. */
describe('stream-processor handler', () => {
  let topic: RecordingFailureNoticePublisher;
  let logs: CapturedLogs;
  let deps: StreamProcessorDeps;
  let clock: FakeClock;
  let handle: ReturnType<typeof createStreamProcessorHandler>;
  let repository: InMemoryJobRepository;

  beforeEach(() => {
    logs = new CapturedLogs();
    // Sleeps return at once; now() starts at the real time, since the jobs are made with real timestamps.
    clock = new FakeClock(new Date());
    repository = new InMemoryJobRepository();
    topic = new RecordingFailureNoticePublisher();
    deps = {
      logger: createLogger({ service: 'stream-processor', destination: logs, level: 'debug' }),
      metrics: new Metrics({ service: 'stream-processor', destination: logs }),
      consumerId: 'a',
      lease: { durationMs: 20_000, renewEveryMs: 0 },
      repository,
      registry: new JobTypeRegistry([createSleepJobType({ maxSeconds: 300 }), flaky]),
      publisher: topic,
      ids: cryptoIdGenerator,
      clock,
      deadlines: deployedDeadlines,
    };
    handle = createStreamProcessorHandler(deps);
  });

  async function submitted(overrides: Parameters<typeof aSubmittedJob>[0] = {}): Promise<Job> {
    const job = aSubmittedJob(overrides);
    await repository.create(job);
    return job;
  }

  describe('as the announcing consumer', () => {
    const finishedOn = (job: Job, consumers: string[]): Job => ({
      ...job,
      version: job.version + 1,
      consumers: Object.fromEntries(
        Object.entries(job.consumers).map(([id, entry]) => [
          id,
          consumers.includes(id) ? { ...entry, status: 'SUCCEEDED', attempts: 1 } : entry,
        ]),
      ),
      announce: { at: '2026-01-01T00:00:05.000Z', consumers },
    });

    it('publishes the events of a write that ended entries, and runs no job for it', async () => {
      const jobEvents = new RecordingJobEventPublisher();
      handle = createStreamProcessorHandler({ ...deps, jobEvents });
      const job = await submitted({ input: { seconds: 1 } });
      const record = anInsertRecord(finishedOn(job, ['a', 'b']), { eventName: 'MODIFY' });

      expect((await handle(aStreamEvent([record]), aLambdaContext())).batchItemFailures).toEqual([]);

      expect(jobEvents.events.map((e) => e.detail.eventId)).toEqual([
        `${job.id}/a/SUCCEEDED/2026-01-01T00:00:05.000Z`,
        `${job.id}/b/SUCCEEDED/2026-01-01T00:00:05.000Z`,
        `${job.id}/job/SUCCEEDED/2026-01-01T00:00:05.000Z`,
      ]);
      expect(clock.sleeps).toEqual([]);
      expect((await repository.get(job.id))?.consumers.a.status).toBe('PENDING');
      expect(logs.metric('JobEventsPublished')).toHaveLength(3);
      expect(logs.find('job event published').map((l) => l['jobId'])).toEqual([job.id, job.id, job.id]);
    });

    it('hands the record back when the bus refuses, counting it', async () => {
      const jobEvents = new RecordingJobEventPublisher();
      jobEvents.refuse = new Error('bus unreachable');
      handle = createStreamProcessorHandler({ ...deps, jobEvents });
      const job = await submitted();
      const record = anInsertRecord(finishedOn(job, ['a']), { eventName: 'MODIFY' });

      const response = await handle(aStreamEvent([record]), aLambdaContext());

      expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb?.SequenceNumber }]);
      expect(logs.metric('JobEventsNotPublished')).toHaveLength(1);
      expect(logs.metric('JobEventsPublished')).toEqual([]);
      expect(logs.find('job event published')).toEqual([]);
    });

    it('skips, loudly, an announcement it cannot read', async () => {
      handle = createStreamProcessorHandler({ ...deps, jobEvents: new RecordingJobEventPublisher() });
      const job = await submitted();
      const { type: _dropped, ...unreadable } = finishedOn(job, ['a']);
      const record = anInsertRecord(unreadable as Job, { eventName: 'MODIFY' });
      expect((await handle(aStreamEvent([record]), aLambdaContext())).batchItemFailures).toEqual([]);
      expect(logs.find('announcement unreadable: skipped')).toHaveLength(1);
    });

    it('leaves announcements alone on a consumer that does not announce', async () => {
      const job = await submitted();
      const record = anInsertRecord(finishedOn(job, ['a']), { eventName: 'MODIFY' });
      expect((await handle(aStreamEvent([record]), aLambdaContext())).batchItemFailures).toEqual([]);
      expect(clock.sleeps).toEqual([]);
    });
  });

  it('dispatches a long job to the runner and acknowledges its record at once, running the short one of the batch inline', async () => {
    const runner = new RecordingRunDispatcher();
    handle = createStreamProcessorHandler({ ...deps, dispatch: { dispatcher: runner, leaseMs: 120_000 } });
    const [long, short] = [await submitted({ input: { seconds: 300 } }), await submitted({ input: { seconds: 1 } })];

    const response = await handle(aStreamEvent([long, short].map((job) => anInsertRecord(job))), aLambdaContext({ awsRequestId: 'req-7' }));

    expect(response.batchItemFailures).toEqual([]);
    expect(clock.sleeps).toEqual([1000]); // only the short job ran here
    expect(runner.orders).toEqual([expect.objectContaining({ jobId: long.id, consumerId: 'a' })]);
    expect((await repository.get(long.id))?.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: runner.orders[0].claimToken });
    expect((await repository.get(short.id))?.consumers.a.status).toBe('SUCCEEDED');
    expect(logs.find('job dispatched to the runner')).toEqual([
      expect.objectContaining({ jobId: long.id, consumerId: 'a', requestId: 'req-7', attempt: 1 }),
    ]);
    // Its story starts as an inline one does: claimed, PENDING → RUNNING.
    expect(logs.find('job claimed').filter((line) => line['jobId'] === long.id)).toEqual([
      expect.objectContaining({ from: 'PENDING', to: 'RUNNING', attempt: 1, requestId: 'req-7' }),
    ]);
    expect(logs.metric('RunsDispatched')).toEqual([expect.objectContaining({ consumer: 'a', jobType: 'sleep', jobId: long.id })]);
  });

  it("runs every job of the batch on its own consumer's entry only", async () => {
    const jobs = [await submitted({ input: { seconds: 1 } }), await submitted({ input: { seconds: 2 } })];

    const response = await handle(aStreamEvent(jobs.map((job) => anInsertRecord(job))), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    for (const [index, job] of jobs.entries()) {
      const stored = await repository.get(job.id);
      expect(stored?.consumers.a).toMatchObject({ status: 'SUCCEEDED', attempts: 1, result: { sleptSeconds: index + 1 } });
      expect(stored?.consumers.b.status).toBe('PENDING');
      expect(stored?.version).toBe(3); // claim + complete, nothing else
    }
    expect(clock.sleeps.sort()).toEqual([1000, 2000]);
    // The records run concurrently: in either order.
    expect(logs.metric('JobsSucceeded').map((m) => [m['jobId'], m['consumer'], m['jobType']])).toEqual(
      expect.arrayContaining(jobs.map((job) => [job.id, 'a', 'sleep'])),
    );
    expect(logs.metric('JobsSucceeded')).toHaveLength(2);
  });

  it('measures outcomes whatever the log level: LOG_LEVEL=warn keeps every metric', async () => {
    const quiet = createStreamProcessorHandler({
      ...deps,
      logger: createLogger({ service: 'stream-processor', destination: logs, level: 'warn' }),
    });
    const job = await submitted({ input: { seconds: 301 } });

    await quiet(aStreamEvent([anInsertRecord(job)]), aLambdaContext());

    expect(logs.find('job claimed')).toEqual([]); // an info line, dropped at warn
    expect(logs.metric('JobsFailed')).toEqual([expect.objectContaining({ jobId: job.id, consumer: 'a', jobType: 'sleep', JobsFailed: 1 })]);
  });

  it('does not run a job twice when the stream delivers it twice', async () => {
    const job = await submitted();
    const record = anInsertRecord(job);

    await handle(aStreamEvent([record]), aLambdaContext());
    const again = await handle(aStreamEvent([record]), aLambdaContext());

    expect(again.batchItemFailures).toEqual([]);
    expect(clock.sleeps).toEqual([1000]);
    expect(logs.find('delivery skipped')).toEqual([
      expect.objectContaining({ jobId: job.id, reason: expect.objectContaining({ code: 'ALREADY_FINISHED' }) }),
    ]);
  });

  it('publishes a permanent failure to the error topic and acknowledges the record', async () => {
    const job = await submitted({ input: { seconds: 301 } });

    const response = await handle(aStreamEvent([anInsertRecord(job)]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    const messages = topic.notices.filter((m) => m.jobId === job.id);
    expect(messages).toEqual([
      expect.objectContaining({
        kind: 'JobFailed',
        consumerId: 'a',
        attempt: 1,
        reason: expect.objectContaining({ code: 'SLEEP_TOO_LONG' }),
      }),
    ]);
    expect(clock.sleeps).toEqual([]);
  });

  it('reports only the retryable record as a batch item failure, releasing its claim', async () => {
    const good = await submitted();
    const bad = await submitted({ type: 'flaky', input: {} });
    const badRecord = anInsertRecord(bad);

    const response = await handle(aStreamEvent([anInsertRecord(good), badRecord]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: badRecord.dynamodb?.SequenceNumber }]);
    expect((await repository.get(good.id))?.consumers.a.status).toBe('SUCCEEDED');
    expect((await repository.get(bad.id))?.consumers.a).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: { code: 'JOB_RUN_ERROR', message: 'dependency timed out' },
    });
  });

  it('isolates an unreadable record while the rest of the batch completes', async () => {
    const good = await submitted();
    const poison = anInsertRecord({ ...aSubmittedJob(), version: 'x' } as never);

    const response = await handle(aStreamEvent([poison, anInsertRecord(good)]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect((await repository.get(good.id))?.consumers.a.status).toBe('SUCCEEDED');
    expect(logs.find('record unreadable: skipped')).toHaveLength(1);
    expect(logs.metric('RecordsUnreadable')).toEqual([expect.objectContaining({ consumer: 'a', RecordsUnreadable: 1 })]);
  });

  it('ignores records other than a new job or a retry', async () => {
    const job = await submitted();
    const response = await handle(aStreamEvent([anInsertRecord(job, { eventName: 'MODIFY' })]), aLambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect((await repository.get(job.id))?.consumers.a.status).toBe('PENDING');
  });

  it("claims and runs a retried job from the retry's own record, a MODIFY carrying its mark", async () => {
    const failed = { status: 'FAILED' as const, attempts: 3, updatedAt: new Date().toISOString(), error: { code: 'X', message: 'x' } };
    const job = await submitted({ input: { seconds: 1 } });
    await repository.applyChange(job.id, {
      expect: { entries: {} },
      entries: { a: { set: failed }, b: { set: failed } },
      updatedAt: new Date().toISOString(),
    });
    const retried = await retryJob({ repository, clock, deadlines: deployedDeadlines }, alice, job.id);

    const response = await handle(aStreamEvent([anInsertRecord(retried, { eventName: 'MODIFY' })]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    const after = await repository.get(job.id);
    expect(after?.consumers.a).toMatchObject({ status: 'SUCCEEDED', attempts: 4, result: { sleptSeconds: 1 } });
    // The claim took the mark away: its own record, and every later one, no longer passes the filter.
    expect(after?.retryRequestedAt).toBeUndefined();
  });

  it('asks for every record again when the store is down', async () => {
    const down = anUnavailableRepository();
    const broken = createStreamProcessorHandler({ ...deps, repository: down });
    const records = [anInsertRecord(aSubmittedJob()), anInsertRecord(aSubmittedJob())];

    const response = await broken(aStreamEvent(records), aLambdaContext());

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.dynamodb?.SequenceNumber));
    expect(logs.metric('RecordsRetried')).toHaveLength(2);
  });

  it("puts the job id, consumer id and request id on every line of a job's story", async () => {
    const job = await submitted();
    const context = aLambdaContext();

    await handle(aStreamEvent([anInsertRecord(job)]), context);

    const story = logs.lines.filter((line) => line['jobId'] === job.id);
    expect(story.map((line) => line['message'])).toEqual(expect.arrayContaining(['job claimed', 'job succeeded']));
    for (const line of story) expect(line).toMatchObject({ consumerId: 'a', requestId: context.awsRequestId, service: 'stream-processor' });
    expect(logs.find('job claimed')[0]).toMatchObject({ from: 'PENDING', to: 'RUNNING', attempt: 1 });
  });

  it('leases the claim for the configured lease, however long the invocation may still run', async () => {
    const job = await submitted({ type: 'flaky', input: {} });
    const seen: number[] = [];
    const spying = createStreamProcessorHandler({
      ...deps,
      repository: {
        ...repository,
        get: (id) => repository.get(id),
        create: (j) => repository.create(j),
        listNewest: (query) => repository.listNewest(query),
        createIdempotent: (j, key) => repository.createIdempotent(j, key),
        findOverdue: (query) => repository.findOverdue(query),
        applyChange: async (id, change) => {
          const lease = change.entries['a']?.set.leaseExpiresAt;
          if (lease) seen.push(lease);
          return repository.applyChange(id, change);
        },
      },
    });
    const claimedAt = clock.now().getTime(); // the fake clock stands still: nothing in this run sleeps

    await spying(aStreamEvent([anInsertRecord(job)]), aLambdaContext({ remainingMs: 60_000 }));

    // The heartbeat, not the invocation's deadline, keeps a live run's claim: a crashed run's lapses soon.
    expect(seen[0]).toBe(claimedAt + 20_000);
  });

  it('acknowledges the record of a job deleted since (as TTL does), while the rest of the batch runs', async () => {
    const gone = await submitted();
    const kept = await submitted();
    repository.jobs.delete(gone.id); // as TTL does

    const response = await handle(aStreamEvent([anInsertRecord(gone), anInsertRecord(kept)]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(await repository.get(gone.id)).toBeUndefined(); // not brought back by a claim
    expect((await repository.get(kept.id))?.consumers.a.status).toBe('SUCCEEDED');
    expect(logs.find('delivery skipped')).toEqual([
      expect.objectContaining({ jobId: gone.id, reason: expect.objectContaining({ code: 'JOB_NOT_FOUND' }) }),
    ]);
  });

  it('waits out a topic that cannot be reached, logging each wait as a line of the job story, and then publishes', async () => {
    const job = await submitted({ input: { seconds: 301 } });
    let unreachable = 2;
    const flakyTopic = {
      publishFailure: async (notice: JobFailureNotice) => {
        if (unreachable-- > 0)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED', $metadata: {} });
        return deps.publisher.publishFailure(notice);
      },
    };
    const patience = {
      patienceMs: 10_000,
      baseDelayMs: 1,
      maxDelayMs: 5,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      onWait: outageWaitLog(deps.logger, { consumerId: 'a' }),
    };
    const patient = createStreamProcessorHandler({ ...deps, publisher: new PatientFailureNoticePublisher(flakyTopic, patience) });

    const response = await patient(aStreamEvent([anInsertRecord(job)]), aLambdaContext({ awsRequestId: 'request-42' }));

    expect(response.batchItemFailures).toEqual([]);
    expect(logs.find('dependency unavailable: waiting')).toEqual([
      expect.objectContaining({ jobId: job.id, consumerId: 'a', requestId: 'request-42', operation: 'publishFailure', attempt: 1 }),
      expect.objectContaining({ jobId: job.id, consumerId: 'a', requestId: 'request-42', operation: 'publishFailure', attempt: 2 }),
    ]);
    const messages = topic.notices.filter((m) => m.jobId === job.id);
    expect(messages).toEqual([expect.objectContaining({ kind: 'JobFailed', reason: expect.objectContaining({ code: 'SLEEP_TOO_LONG' }) })]);
  });
});
