import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import {
  cryptoIdGenerator,
  FAILED_EVENT_DETAIL_TYPE,
  FAILED_EVENT_SOURCE,
  outageWaitLog,
  PatientJobRepository,
  type StreamBatchPointer,
} from '@async-jobs/adapters';
import { StoreUnavailableError, systemClock, type ConsumerEntry, type Job, type JobFailureNotice } from '@async-jobs/domain';
import { consumerFunctionName, createLogger, Metrics } from '@async-jobs/platform';
import {
  aDestinationFailureEvent,
  aLambdaContext,
  anInsertRecord,
  anOnFailureRecord,
  anSnsEvent,
  aSubmittedJob,
  CapturedLogs,
  InMemoryJobRepository,
  RecordingJobEventPublisher,
  RecordingUnrecordedFailurePublisher,
  anUnavailableRepository,
} from '@async-jobs/testing';
import { createErrorHandler, FailuresNotRecordedError, type ErrorHandlerDeps } from './error-handler';

const processorArn = (consumerId: string) => `arn:aws:lambda:us-east-1:123456789012:function:${consumerFunctionName('test', consumerId)}`;

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/jobs/stream/2026-01-01T00:00:00.000';

/**
 * The table's stream, in memory: every write appends its record to one shard, and a batch is read back by its sequence
 * range as DynamoDbStreamBatchReader reads it (dynamodb-stream-batch-reader.spec.ts proves that half against DynamoDB Local).
 */
class InMemoryStream {
  readonly shardId = 'shardId-00000001';
  readonly records: _Record[] = [];
  append(record: _Record): void {
    this.records.push(record);
  }
  async readBatch(pointer: StreamBatchPointer): Promise<_Record[]> {
    const [start, end] = [BigInt(pointer.startSequenceNumber), BigInt(pointer.endSequenceNumber)];
    return this.records.filter((r) => {
      const sequence = BigInt(r.dynamodb?.SequenceNumber ?? '0');
      return pointer.shardId === this.shardId && sequence >= start && sequence <= end;
    });
  }
}

/** In memory: the adapters' specs prove the store, the stream reader and the bus against DynamoDB Local and moto. */
describe('error handler', () => {
  let stream: InMemoryStream;
  let bus: RecordingUnrecordedFailurePublisher;
  let jobEvents: RecordingJobEventPublisher;
  let logs: CapturedLogs;
  let repository: InMemoryJobRepository;
  let deps: ErrorHandlerDeps;
  let handle: ReturnType<typeof createErrorHandler>;

  beforeEach(() => {
    stream = new InMemoryStream();
    bus = new RecordingUnrecordedFailurePublisher();
    jobEvents = new RecordingJobEventPublisher();
    repository = new InMemoryJobRepository();
    logs = new CapturedLogs();
    deps = {
      logger: createLogger({ service: 'error-handler', destination: logs }),
      metrics: new Metrics({ service: 'error-handler', destination: logs }),
      repository,
      clock: systemClock,
      ids: cryptoIdGenerator,
      streamReader: stream,
      failedEvents: bus,
      jobEvents,
      naming: { environment: 'test', consumers: ['a', 'b'] },
    };
    handle = createErrorHandler(deps);
  });

  async function submitted(consumers?: Record<string, ConsumerEntry>): Promise<Job> {
    const job = { ...aSubmittedJob(), ...(consumers ? { consumers } : {}) };
    await repository.create(job);
    stream.append(anInsertRecord(job) as _Record);
    // What else the range holds, which the mapping's filter kept from the processor: the item of an idempotency key.
    stream.append(anInsertRecord({ id: `idempotency#${job.id}`, keyHash: 'k', jobId: job.id } as never) as _Record);
    return job;
  }
  const at = new Date().toISOString();
  /** As the processor leaves an entry once it published its failure: RUNNING under its claim, without a lease. */
  const handedOver = (consumerId: string): ConsumerEntry => ({
    status: 'RUNNING',
    attempts: 1,
    claimToken: `run-${consumerId}`,
    updatedAt: at,
    lastError: reason,
  });
  /** A job whose runs on a and b failed for good and were handed to the error handler. */
  const failedRuns = () => submitted({ a: handedOver('a'), b: handedOver('b') });
  const reason = { code: 'SLEEP_TOO_LONG', message: 'A sleep of 301s exceeds the maximum of 300s' };
  const notice = (job: Job, consumerId = 'a'): JobFailureNotice => ({
    kind: 'JobFailed',
    jobId: job.id,
    consumerId,
    claimToken: `run-${consumerId}`,
    reason,
    attempt: 1,
    occurredAt: new Date().toISOString(),
  });

  it("records a processor's failure notice on that consumer's entry", async () => {
    const job = await failedRuns();
    const context = aLambdaContext();

    await expect(handle(anSnsEvent([notice(job)]), context)).resolves.toEqual({ recorded: 1 });

    const stored = await repository.get(job.id);
    expect(stored?.consumers.a).toMatchObject({
      status: 'FAILED',
      error: { code: 'SLEEP_TOO_LONG', message: expect.stringContaining('301s') },
    });
    expect(stored?.consumers.b.status).toBe('RUNNING');
    expect(logs.find('failure recorded')[0]).toMatchObject({
      jobId: job.id,
      consumerId: 'a',
      to: 'FAILED',
      requestId: context.awsRequestId,
    });
    expect(logs.metric('FailuresRecorded')).toEqual([expect.objectContaining({ jobId: job.id, consumer: 'a', FailuresRecorded: 1 })]);
  });

  it("names the invocation's request on the lines of a store outage it rides out, logged by the store's wait log", async () => {
    const job = await failedRuns();
    let unreachable = 2;
    const flaky = Object.assign(Object.create(repository) as InMemoryJobRepository, {
      get: (id: string) => (unreachable-- > 0 ? Promise.reject(new StoreUnavailableError('DynamoDB unreachable')) : repository.get(id)),
    });
    // Wired once per environment, as main.ts does: only the invocation's async context can name the request.
    const patient = new PatientJobRepository(flaky, {
      patienceMs: 10_000,
      baseDelayMs: 1,
      maxDelayMs: 5,
      sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
      onWait: outageWaitLog(deps.logger),
    });
    const context = aLambdaContext({ awsRequestId: 'request-7' });

    await expect(createErrorHandler({ ...deps, repository: patient })(anSnsEvent([notice(job)]), context)).resolves.toEqual({
      recorded: 1,
    });

    expect(logs.find('dependency unavailable: waiting').map((line) => [line['requestId'], line['jobId']])).toEqual([
      ['request-7', job.id],
      ['request-7', job.id],
    ]);
  });

  it('is idempotent: the same notice twice records once', async () => {
    const job = await failedRuns();
    await handle(anSnsEvent([notice(job)]), aLambdaContext());
    const version = (await repository.get(job.id))?.version;

    await expect(handle(anSnsEvent([notice(job)]), aLambdaContext())).resolves.toEqual({ recorded: 0 });

    expect((await repository.get(job.id))?.version).toBe(version);
    expect(logs.find('failure already recorded: duplicate ignored')).toHaveLength(1);
  });

  it("reads an event source mapping's on-failure record back from the stream and fails the consumer it names", async () => {
    const jobs = [await submitted(), await submitted()];
    const shard = { shardId: stream.shardId, records: stream.records };
    const batch = shard.records.filter((r) => jobs.some((job) => r.dynamodb?.Keys?.['id']?.S === job.id));
    const onFailure = anOnFailureRecord({
      functionArn: `${processorArn('b')}:live`,
      streamArn: STREAM_ARN,
      shardId: shard.shardId,
      records: batch,
    });

    await expect(handle(anSnsEvent([onFailure]), aLambdaContext())).resolves.toEqual({ recorded: 2 });

    for (const job of jobs) {
      const stored = await repository.get(job.id);
      expect(stored?.consumers.b).toMatchObject({
        status: 'FAILED',
        error: { code: 'RETRIES_EXHAUSTED', message: expect.stringContaining('after 3 invocations') },
      });
      expect(stored?.consumers.a.status).toBe('PENDING');
    }
  });

  it("publishes the job events of the announcements in a failed range of the announcing consumer's mapping, and only of that one", async () => {
    const job = await submitted();
    const finished: Job = {
      ...job,
      version: 2,
      consumers: { ...job.consumers, a: { ...job.consumers.a, status: 'SUCCEEDED', attempts: 1, finishedAt: at } },
      announce: { at, consumers: ['a'] },
    };
    stream.append(anInsertRecord(finished, { eventName: 'MODIFY' }) as _Record);
    const range = (consumerId: string) =>
      anOnFailureRecord({ functionArn: processorArn(consumerId), streamArn: STREAM_ARN, shardId: stream.shardId, records: stream.records });

    await handle(anSnsEvent([range('b')]), aLambdaContext());
    expect(jobEvents.events).toEqual([]);

    await handle(anSnsEvent([range('a')]), aLambdaContext());
    expect(jobEvents.events.map((e) => e.detail.eventId)).toEqual([`${job.id}/a/SUCCEEDED/${at}`]);

    jobEvents.refuse = new Error('the bus is unreachable');
    await expect(handle(anSnsEvent([range('a')]), aLambdaContext())).rejects.toThrow(/job events not published/);
  });

  it('accepts a replayed Lambda on-failure destination envelope around the SNS event', async () => {
    const job = await failedRuns();
    const replayed = aDestinationFailureEvent(
      anSnsEvent([notice(job, 'b')]),
      'arn:aws:lambda:us-east-1:123456789012:function:async-jobs-test-error-handler',
      'replay-1',
    );

    await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 1 });
    expect((await repository.get(job.id))?.consumers.b.status).toBe('FAILED');
  });

  describe("the runner's on-failure envelope, through the error topic", () => {
    const runnerArn = 'arn:aws:lambda:us-east-1:123456789012:function:async-jobs-test-job-runner';
    /** What Lambda sends the runner's destination after it gave up on an order. */
    const envelope = (job: Job, claimToken: string, condition: 'RetriesExhausted' | 'EventAgeExceeded') => ({
      version: '1.0',
      timestamp: at,
      requestContext: { requestId: 'r-1', functionArn: `${runnerArn}:$LATEST`, condition, approximateInvokeCount: 3 },
      requestPayload: { kind: 'JobRunDispatched', jobId: job.id, consumerId: 'a', claimToken, job, dispatchedAt: at },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 400.00 seconds' },
    });
    const dispatchedEntry = (leaseExpiresAt: number): ConsumerEntry => ({
      status: 'RUNNING',
      attempts: 1,
      claimToken: 'dispatch-1',
      leaseExpiresAt,
      dispatchedAt: at,
      updatedAt: at,
    });

    it('records an order that waited too long in the queue, while its dispatch holds the entry', async () => {
      const job = await submitted({ a: dispatchedEntry(Date.now() + 600_000), b: dispatchedEntry(Date.now() + 600_000) });

      await expect(handle(anSnsEvent([envelope(job, 'dispatch-1', 'EventAgeExceeded')]), aLambdaContext())).resolves.toEqual({
        recorded: 1,
      });

      const stored = await repository.get(job.id);
      expect(stored?.consumers.a).toMatchObject({ status: 'FAILED', error: { code: 'RUN_NOT_STARTED' } });
      expect(stored?.consumers.b.status).toBe('RUNNING');
    });

    it('records a run whose runner died in every invocation once its lease lapsed, naming the last error', async () => {
      const dead = { ...dispatchedEntry(Date.now() - 1_000), claimToken: 'runner-3', dispatchedAt: undefined };
      const job = await submitted({ a: dead, b: dispatchedEntry(Date.now() + 600_000) });

      await handle(anSnsEvent([envelope(job, 'dispatch-1', 'RetriesExhausted')]), aLambdaContext());

      expect((await repository.get(job.id))?.consumers.a).toMatchObject({
        status: 'FAILED',
        error: { code: 'RUN_RETRIES_EXHAUSTED', message: expect.stringContaining('Sandbox.Timedout') },
      });
    });

    it('leaves a run that a live runner holds to that runner', async () => {
      const live = { ...dispatchedEntry(Date.now() + 30_000), claimToken: 'runner-2', dispatchedAt: undefined };
      const job = await submitted({ a: live, b: live });

      await expect(handle(anSnsEvent([envelope(job, 'dispatch-1', 'RetriesExhausted')]), aLambdaContext())).resolves.toEqual({
        recorded: 0,
      });
      expect((await repository.get(job.id))?.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'runner-2' });
    });

    it('names the invocations and the condition it does not know, and refuses an order for a consumer that is not one here', async () => {
      const job = await submitted({ a: dispatchedEntry(Date.now() + 600_000), b: dispatchedEntry(Date.now() + 600_000) });
      const odd = envelope(job, 'dispatch-1', 'RetriesExhausted');
      odd.requestContext.condition = 'SomethingNew' as never;

      await handle(anSnsEvent([odd]), aLambdaContext());
      expect((await repository.get(job.id))?.consumers.a).toMatchObject({
        status: 'FAILED',
        error: { code: 'RUN_GAVE_UP', message: expect.stringContaining('SomethingNew') },
      });
      expect(logs.find('failure recorded')[0]).toMatchObject({ attempt: 3 });

      const foreign = envelope(job, 'dispatch-1', 'RetriesExhausted');
      foreign.requestPayload.consumerId = 'z';
      await expect(handle(anSnsEvent([foreign]), aLambdaContext())).rejects.toThrow();
      expect(logs.metric('FailureMessagesUnrecognised')).toHaveLength(1);
      expect((await repository.get(job.id))?.consumers.b.status).toBe('RUNNING');
    });

    it('keeps the dispatch as the origin of a failure it could not record, so that its replay records it', async () => {
      const job = await submitted({ a: dispatchedEntry(Date.now() + 600_000), b: dispatchedEntry(Date.now() + 600_000) });
      const broken = createErrorHandler({ ...deps, repository: anUnavailableRepository() });

      await expect(broken(anSnsEvent([envelope(job, 'dispatch-1', 'EventAgeExceeded')]), aLambdaContext())).rejects.toBeInstanceOf(
        FailuresNotRecordedError,
      );
      expect(bus.events[0]).toMatchObject({ origin: { kind: 'dispatch', claimToken: 'dispatch-1' } });

      const replayed = { version: '0', source: FAILED_EVENT_SOURCE, 'detail-type': FAILED_EVENT_DETAIL_TYPE, detail: bus.events[0] };
      await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 1 });
      expect((await repository.get(job.id))?.consumers.a).toMatchObject({ status: 'FAILED', error: { code: 'RUN_NOT_STARTED' } });
    });
  });

  it('accepts its own replayed self-contained event', async () => {
    const job = await failedRuns();
    const replayed = {
      version: '0',
      'detail-type': 'JobFailureUnrecorded',
      source: 'async-jobs.error-handler',
      'replay-name': 'replay-2',
      detail: { ...notice(job), kind: 'JobFailureUnrecorded', cause: 'STORE_UNAVAILABLE' },
    };

    await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 1 });
    expect((await repository.get(job.id))?.consumers.a.status).toBe('FAILED');
  });

  it('keeps a failure it cannot record on the failed-events bus, self-contained, then fails the invocation', async () => {
    const job = await failedRuns();
    const down = anUnavailableRepository();
    const broken = createErrorHandler({ ...deps, repository: down });

    await expect(broken(anSnsEvent([notice(job)]), aLambdaContext())).rejects.toBeInstanceOf(FailuresNotRecordedError);

    expect(bus.events).toEqual([
      expect.objectContaining({
        kind: 'JobFailureUnrecorded',
        jobId: job.id,
        consumerId: 'a',
        reason: notice(job).reason,
        origin: { kind: 'run', claimToken: 'run-a' },
        attempt: 1,
        cause: expect.stringContaining('STORE_UNAVAILABLE'),
      }),
    ]);
    expect(logs.metric('FailuresArchived')).toEqual([expect.objectContaining({ jobId: job.id, consumer: 'a' })]);
    // Replaying that event once the store is back records the failure: the archive hands back the bus's envelope.
    const replayed = {
      version: '0',
      source: FAILED_EVENT_SOURCE,
      'detail-type': FAILED_EVENT_DETAIL_TYPE,
      'replay-name': 'r-1',
      detail: bus.events[0],
    };
    await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 1 });
    expect((await repository.get(job.id))?.consumers.a.status).toBe('FAILED');
  });

  it('does not overwrite a consumer that already succeeded, and says so', async () => {
    const job = await submitted();
    await repository.applyChange(job.id, {
      expect: { entries: { a: { kind: 'status-in', statuses: ['PENDING'] } } },
      entries: { a: { set: { status: 'SUCCEEDED', result: 1 } } },
      updatedAt: new Date().toISOString(),
    });

    await expect(handle(anSnsEvent([notice(job)]), aLambdaContext())).resolves.toEqual({ recorded: 0 });
    expect((await repository.get(job.id))?.consumers.a.status).toBe('SUCCEEDED');
    expect(logs.find('failure not recordable')[0]).toMatchObject({ stop: { code: 'ALREADY_FINISHED' } });
  });

  it("never lets a superseded attempt's late notice overwrite the newer run that holds the job now", async () => {
    const newer: ConsumerEntry = {
      status: 'RUNNING',
      attempts: 2,
      claimToken: 'run-2',
      leaseExpiresAt: Date.now() + 60_000,
      updatedAt: at,
    };
    const job = await submitted({ a: newer, b: handedOver('b') });

    await expect(handle(anSnsEvent([notice(job, 'a')]), aLambdaContext())).resolves.toEqual({ recorded: 0 });

    expect((await repository.get(job.id))?.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'run-2', attempts: 2 });
    expect(logs.find('failure not recordable')[0]).toMatchObject({ jobId: job.id, stop: { code: 'STALE_CLAIM' } });
  });

  it('leaves an entry that a live run holds to that run when the event source gives up on its record', async () => {
    const live: ConsumerEntry = { status: 'RUNNING', attempts: 1, claimToken: 'live', leaseExpiresAt: Date.now() + 60_000, updatedAt: at };
    const job = await submitted({ a: { status: 'PENDING', attempts: 0, updatedAt: at }, b: live });
    const shard = { shardId: stream.shardId, records: stream.records };
    const onFailure = anOnFailureRecord({
      functionArn: processorArn('b'),
      streamArn: STREAM_ARN,
      shardId: shard.shardId,
      records: shard.records.filter((r) => r.dynamodb?.Keys?.['id']?.S === job.id),
    });

    await expect(handle(anSnsEvent([onFailure]), aLambdaContext())).resolves.toEqual({ recorded: 0 });

    expect((await repository.get(job.id))?.consumers.b).toMatchObject({ status: 'RUNNING', claimToken: 'live' });
    expect(logs.find('failure not recordable')[0]).toMatchObject({ stop: { code: 'CLAIM_HELD' } });
  });

  it('records from a stream range shared with other batches only the entries that show an attempt of their own', async () => {
    // With a parallelization factor above 1, a batch of one key's records spans another batch's records.
    const retried = await submitted({
      a: { status: 'PENDING', attempts: 2, updatedAt: at, lastError: { code: 'DOWNSTREAM', message: 'timed out' } },
      b: handedOver('b'),
    });
    const untouched = await submitted();
    const shard = { shardId: stream.shardId, records: stream.records };
    const range = shard.records.filter((r) => [retried.id, untouched.id].includes(r.dynamodb?.Keys?.['id']?.S ?? ''));
    const onFailure = anOnFailureRecord({
      functionArn: processorArn('a'),
      streamArn: STREAM_ARN,
      shardId: shard.shardId,
      records: range,
      batchSize: 1,
    });

    await expect(handle(anSnsEvent([onFailure]), aLambdaContext())).resolves.toEqual({ recorded: 1 });

    expect((await repository.get(retried.id))?.consumers.a).toMatchObject({
      status: 'FAILED',
      error: { code: 'RETRIES_EXHAUSTED', message: expect.stringContaining('last error: DOWNSTREAM: timed out') },
    });
    expect((await repository.get(untouched.id))?.consumers.a).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(logs.find('failure not recordable')[0]).toMatchObject({ jobId: untouched.id, stop: { code: 'UNATTEMPTED' } });
  });

  it('counts a failure whose write landed but whose answer was lost as recorded, not as a duplicate', async () => {
    const job = await failedRuns();
    // The write lands, its answer is lost, and the SDK's retry is refused by the condition the first try made false:
    // the adapter then answers "not applied" with the item as it is (proven against DynamoDB Local in its spec).
    let answerLost = false;
    const losing = createErrorHandler({
      ...deps,
      repository: Object.assign(Object.create(repository) as InMemoryJobRepository, {
        applyChange: async (...args: Parameters<InMemoryJobRepository['applyChange']>) => {
          const result = await repository.applyChange(...args);
          if (answerLost || !result.applied) return result;
          answerLost = true;
          return { applied: false as const, current: result.job };
        },
      }),
    });

    await expect(losing(anSnsEvent([notice(job)]), aLambdaContext())).resolves.toEqual({ recorded: 1 });

    expect([answerLost, repository.writes]).toEqual([true, 1]);
    expect((await repository.get(job.id))?.consumers.a).toMatchObject({ status: 'FAILED', error: reason });
    expect(logs.find('failure recorded')).toHaveLength(1);
    expect(logs.find('failure already recorded: duplicate ignored')).toHaveLength(0);
  });

  it.each([
    ['a message that is not JSON', anSnsEvent(['not json'])],
    ['a notice without a job id', anSnsEvent([{ kind: 'JobFailed', consumerId: 'a' }])],
    [
      'an on-failure record from an unknown function',
      anSnsEvent([{ DDBStreamBatchInfo: {}, requestContext: { functionArn: processorArn('z') } }]),
    ],
    ['something else entirely', { hello: 'world' }],
  ])('fails loudly on %s, so that it is retried and archived rather than dropped', async (_name, event) => {
    await expect(handle(event, aLambdaContext())).rejects.toBeInstanceOf(FailuresNotRecordedError);
    expect(logs.find('unrecognised failure message')).toHaveLength(1);
    expect(logs.metric('FailureMessagesUnrecognised')).toHaveLength(1);
  });

  it('records what it can of a batch of bad messages, and fails only for the unreadable one, which is kept', async () => {
    const real = await failedRuns();
    const deleted = await failedRuns();
    repository.jobs.delete(deleted.id); // as TTL would
    const unknown = { ...aSubmittedJob(), id: 'job-that-never-was' } as Job;

    const outcome = handle(
      anSnsEvent(['{"kind":"JobFailed","jobId":', notice(unknown), notice(deleted), notice(real), ['not', 'a', 'notice']]),
      aLambdaContext(),
    );

    // The unreadable messages fail the invocation (Lambda retries it, then its destination keeps it);
    // everything readable was handled first, and a job that is gone is reported, not retried.
    await expect(outcome).rejects.toBeInstanceOf(FailuresNotRecordedError);
    await expect(outcome).rejects.toMatchObject({ message: expect.not.stringContaining(real.id) });
    expect((await repository.get(real.id))?.consumers.a.status).toBe('FAILED');
    expect(await repository.get(deleted.id)).toBeUndefined();
    expect(logs.find('failure not recordable').map((l) => [l['jobId'], (l['stop'] as { code: string }).code])).toEqual([
      [unknown.id, 'JOB_NOT_FOUND'],
      [deleted.id, 'JOB_NOT_FOUND'],
    ]);
    expect(logs.find('unrecognised failure message')).toHaveLength(2);
  });

  it('records a replayed event once, however many times it is replayed', async () => {
    const job = await failedRuns();
    const replayed = {
      version: '0',
      'detail-type': 'JobFailureUnrecorded',
      source: 'async-jobs.error-handler',
      'replay-name': 'replay-3',
      detail: { ...notice(job), kind: 'JobFailureUnrecorded', cause: 'STORE_UNAVAILABLE' },
    };

    await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 1 });
    const version = (await repository.get(job.id))?.version;
    await expect(handle(replayed, aLambdaContext())).resolves.toEqual({ recorded: 0 });

    expect((await repository.get(job.id))?.version).toBe(version);
    expect(logs.find('failure already recorded: duplicate ignored')).toHaveLength(1);
  });
});
