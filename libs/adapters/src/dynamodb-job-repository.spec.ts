import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  applyChange,
  claimTransition,
  releaseTransition,
  handOverFailureTransition,
  completeTransition,
  JobAlreadyExistsError,
  listPosition,
  meetsExpectation,
  StoreUnavailableError,
  type ConsumerEntry,
  type Decision,
  type EntryExpectation,
  type JobChange,
} from '@async-jobs/domain';
import { aCaller, aSubmittedJob, createTestTable, dynamoDbClientWithFaults, type TestTable } from '@async-jobs/testing';
import { DynamoDbJobRepository } from './dynamodb-job-repository';
import { itemOfJob, jobFromItem } from './job-item';

function change(decision: Decision): JobChange {
  if (decision.kind !== 'write') throw new Error(`expected a write, got ${decision.kind}`);
  return decision.change;
}

/** Gives the enclosing describe block a repository on a table of its own, dropped afterwards. */
function onItsOwnTable(use: (table: TestTable, repository: DynamoDbJobRepository) => void): void {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
    use(table, new DynamoDbJobRepository(table.client, table.tableName));
  });
  afterAll(() => table.drop());
}

describe('DynamoDbJobRepository against DynamoDB Local', () => {
  let table: TestTable;
  let repository: DynamoDbJobRepository;
  const now = new Date();

  onItsOwnTable((t, r) => {
    table = t;
    repository = r;
  });

  it('stores and reads back a job exactly', async () => {
    const job = aSubmittedJob({ input: { seconds: 2 } });
    await repository.create(job);
    expect(await repository.get(job.id)).toEqual(job);
  });

  it('never overwrites an existing job id', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    await expect(repository.create({ ...job, type: 'other' })).rejects.toBeInstanceOf(JobAlreadyExistsError);
    expect((await repository.get(job.id))?.type).toBe('sleep');
  });

  it('reads a job, present or missing, with one strongly consistent GetItem (a foreign job costs what a missing one does)', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const calls: { command: string; consistent?: boolean }[] = [];
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: String(context.commandName), consistent: (args.input as { ConsistentRead?: boolean }).ConsistentRead });
        return next(args);
      },
      { step: 'initialize', name: 'recordReads' },
    );
    try {
      await repository.get(job.id);
      await repository.get('00000000-0000-4000-8000-000000000000');
    } finally {
      table.client.middlewareStack.remove('recordReads');
    }
    expect(calls).toEqual([
      { command: 'GetItemCommand', consistent: true },
      { command: 'GetItemCommand', consistent: true },
    ]);
  });

  it('returns undefined for an unknown id', async () => {
    expect(await repository.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('applies a change as the domain computes it, incrementing the version', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const claim = change(claimTransition({ consumerId: 'a', claimToken: 't1', now, leaseExpiresAt: now.getTime() + 60_000 }).plan(job));

    const result = await repository.applyChange(job.id, claim);

    expect(result).toEqual({ applied: true, job: applyChange(job, claim) });
    expect(await repository.get(job.id)).toEqual(applyChange(job, claim));
  });

  it('stores what a write ended as announce, and removes it with the next write that ends nothing', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const claim = (consumerId: string, seen: typeof job) =>
      change(claimTransition({ consumerId, claimToken: `t-${consumerId}`, now, leaseExpiresAt: now.getTime() + 60_000 }).plan(seen));
    const claimedA = await repository.applyChange(job.id, claim('a', job));
    if (!claimedA.applied) throw new Error('claim lost');
    const done = await repository.applyChange(
      job.id,
      change(completeTransition({ consumerId: 'a', claimToken: 't-a', placed: { result: 1 }, now }).plan(claimedA.job)),
    );
    if (!done.applied) throw new Error('completion lost');
    expect(done.job.announce).toEqual({ at: now.toISOString(), consumers: ['a'] });
    expect((await repository.get(job.id))?.announce).toEqual({ at: now.toISOString(), consumers: ['a'] });

    const claimedB = await repository.applyChange(job.id, claim('b', done.job));
    expect(claimedB.applied && claimedB.job.announce).toBeUndefined();
    expect((await repository.get(job.id))?.announce).toBeUndefined();
  });

  it('stores nested JSON results and removes the claim fields on completion', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const claim = change(claimTransition({ consumerId: 'a', claimToken: 't1', now, leaseExpiresAt: now.getTime() + 60_000 }).plan(job));
    const claimed = await repository.applyChange(job.id, claim);
    if (!claimed.applied) throw new Error('claim lost');
    const result = { rows: [1, 2.5, 'three', null, { deep: [true] }], empty: {} };

    const done = await repository.applyChange(
      job.id,
      change(completeTransition({ consumerId: 'a', claimToken: 't1', placed: { result }, now }).plan(claimed.job)),
    );

    expect(done.applied && done.job.consumers.a).toEqual({
      status: 'SUCCEEDED',
      attempts: 1,
      result,
      startedAt: now.toISOString(),
      finishedAt: now.toISOString(),
      finishedBy: 't1',
      updatedAt: now.toISOString(),
    });
  });

  it('refuses a change whose expectation no longer holds and returns the item as it stands', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const claimA = claimTransition({ consumerId: 'a', claimToken: 'first', now, leaseExpiresAt: now.getTime() + 60_000 });
    await repository.applyChange(job.id, change(claimA.plan(job)));
    const second = claimTransition({ consumerId: 'a', claimToken: 'second', now, leaseExpiresAt: now.getTime() + 60_000 });

    const result = await repository.applyChange(job.id, change(second.plan(job))); // planned from the stale image

    expect(result.applied).toBe(false);
    expect(!result.applied && result.current?.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'first' });
    expect((await repository.get(job.id))?.version).toBe(2);
  });

  it('lets a claim take over a RUNNING entry only once its lease has expired', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const first = await repository.applyChange(
      job.id,
      change(claimTransition({ consumerId: 'a', claimToken: 'old', now, leaseExpiresAt: now.getTime() + 1000 }).plan(job)),
    );
    if (!first.applied) throw new Error('claim lost');
    const takeover = (at: number) =>
      claimTransition({ consumerId: 'a', claimToken: 'new', now: new Date(at), leaseExpiresAt: at + 60_000 }).plan({
        ...first.job,
        consumers: { ...first.job.consumers, a: { ...first.job.consumers.a, leaseExpiresAt: 0 } }, // a stale view that believes the lease expired
      });

    expect((await repository.applyChange(job.id, change(takeover(now.getTime() + 500)))).applied).toBe(false);
    const later = await repository.applyChange(job.id, change(takeover(now.getTime() + 1001)));
    expect(later.applied && later.job.consumers.a).toMatchObject({ claimToken: 'new', attempts: 2 });
  });

  it('never lets a claim take an entry whose failure was handed over (RUNNING without a lease)', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    const claimed = await repository.applyChange(
      job.id,
      change(claimTransition({ consumerId: 'a', claimToken: 'run', now, leaseExpiresAt: now.getTime() + 1000 }).plan(job)),
    );
    if (!claimed.applied) throw new Error('claim lost');
    const handedOver = await repository.applyChange(
      job.id,
      change(handOverFailureTransition({ consumerId: 'a', claimToken: 'run', reason: { code: 'X', message: 'x' }, now }).plan(claimed.job)),
    );
    if (!handedOver.applied) throw new Error('hand-over lost');
    // A stale view that believes the lease expired long ago, planned an hour later.
    const stale = { ...claimed.job, consumers: { ...claimed.job.consumers, a: { ...claimed.job.consumers.a, leaseExpiresAt: 0 } } };
    const takeover = claimTransition({
      consumerId: 'a',
      claimToken: 'late',
      now: new Date(now.getTime() + 3_600_000),
      leaseExpiresAt: now.getTime() + 3_660_000,
    }).plan(stale);

    expect((await repository.applyChange(job.id, change(takeover))).applied).toBe(false);
    expect((await repository.get(job.id))?.consumers.a).toMatchObject({
      status: 'RUNNING',
      claimToken: 'run',
      attempts: 1,
      lastError: { code: 'X' },
    });
  });

  it("enforces every kind of expectation exactly as the domain's own rule says", async () => {
    const at = now.getTime();
    const entries: Record<string, ConsumerEntry> = {
      pending: { status: 'PENDING', attempts: 0, updatedAt: now.toISOString() },
      retrying: { status: 'PENDING', attempts: 1, updatedAt: now.toISOString(), lastError: { code: 'X', message: 'x' } },
      live: { status: 'RUNNING', attempts: 1, updatedAt: now.toISOString(), claimToken: 't1', leaseExpiresAt: at + 60_000 },
      lapsed: { status: 'RUNNING', attempts: 1, updatedAt: now.toISOString(), claimToken: 't1', leaseExpiresAt: at - 60_000 },
      handedOver: { status: 'RUNNING', attempts: 1, updatedAt: now.toISOString(), claimToken: 't1' },
      dispatched: {
        status: 'RUNNING',
        attempts: 1,
        updatedAt: now.toISOString(),
        claimToken: 't1',
        leaseExpiresAt: at + 600_000,
        dispatchedAt: now.toISOString(),
      },
      otherRun: { status: 'RUNNING', attempts: 2, updatedAt: now.toISOString(), claimToken: 't2', leaseExpiresAt: at - 60_000 },
      succeeded: { status: 'SUCCEEDED', attempts: 1, updatedAt: now.toISOString(), finishedBy: 't1' },
      failed: { status: 'FAILED', attempts: 1, updatedAt: now.toISOString(), error: { code: 'X', message: 'x' } },
    };
    const expectations: EntryExpectation[] = [
      { kind: 'status-in', statuses: ['PENDING', 'RUNNING'] },
      { kind: 'claimable', now: at },
      { kind: 'held-by', claimToken: 't1' },
      { kind: 'held-by', claimToken: 't1', leaseExpiredBefore: at },
      { kind: 'not-live', now: at },
      { kind: 'dispatched', claimToken: 't1' },
    ];
    const verdicts: string[] = [];
    for (const [state, entry] of Object.entries(entries)) {
      for (const expectation of expectations) {
        const job = { ...aSubmittedJob(), consumers: { a: entry } };
        await repository.create(job);
        const probe: JobChange = {
          expect: { entries: { a: expectation } },
          entries: { a: { set: { updatedAt: 'probe' } } },
          updatedAt: 'probe',
        };
        const result = await repository.applyChange(job.id, probe);
        expect([state, expectation, result.applied]).toEqual([state, expectation, meetsExpectation(job, probe.expect)]);
        if (result.applied) verdicts.push(`${state}:${expectation.kind}`);
      }
    }
    // Not a vacuous agreement: the store said yes to a known, varied set.
    expect(verdicts.sort()).toEqual(
      [
        'pending:status-in',
        'pending:claimable',
        'pending:not-live',
        'retrying:status-in',
        'retrying:claimable',
        'retrying:not-live',
        'live:status-in',
        'live:held-by',
        'lapsed:status-in',
        'lapsed:claimable',
        'lapsed:held-by',
        'lapsed:held-by',
        'lapsed:not-live',
        'handedOver:status-in',
        'handedOver:held-by',
        'handedOver:held-by',
        'handedOver:not-live',
        'dispatched:status-in',
        'dispatched:held-by',
        'dispatched:dispatched',
        'otherRun:status-in',
        'otherRun:claimable',
        'otherRun:not-live',
      ].sort(),
    );
  });

  it('refuses a version-conditioned change after any other write', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    await repository.applyChange(job.id, change(claimTransition({ consumerId: 'b', claimToken: 't', now, leaseExpiresAt: 1 }).plan(job)));
    const stale: JobChange = {
      expect: { version: 1, entries: {} },
      entries: {},
      cancelledAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };

    expect((await repository.applyChange(job.id, stale)).applied).toBe(false);
    expect((await repository.get(job.id))?.cancelledAt).toBeUndefined();
  });

  it('reports a change to a job that does not exist with no current item, creating nothing', async () => {
    const ghost = aSubmittedJob();
    const result = await repository.applyChange(
      ghost.id,
      change(claimTransition({ consumerId: 'a', claimToken: 't', now, leaseExpiresAt: 1 }).plan(ghost)),
    );
    expect(result).toEqual({ applied: false, current: undefined });
    expect(await repository.get(ghost.id)).toBeUndefined();
  });

  it('reports an unreachable store as StoreUnavailableError, which callers retry', async () => {
    const down = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const unreachable = new DynamoDbJobRepository(down, table.tableName);
    await expect(unreachable.get(aSubmittedJob().id)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(unreachable.create(aSubmittedJob())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    down.destroy();
  });
});

describe('DynamoDbJobRepository sweep index, against DynamoDB Local', () => {
  let table: TestTable;
  let repository: DynamoDbJobRepository;
  onItsOwnTable((t, r) => {
    table = t;
    repository = r;
  });

  it("finds the entries whose deadline passed from each consumer's index, and loses them when they finish", async () => {
    const now = Date.now();
    const overdue = aSubmittedJob({ now: new Date(now - 10 * 3_600_000) }); // both entries due long ago
    const fresh = aSubmittedJob(); // due in an hour
    await repository.create(overdue);
    await repository.create(fresh);

    expect(await repository.findOverdue({ consumerId: 'a', before: now, limit: 10 })).toEqual([overdue.id]);
    expect(await repository.findOverdue({ consumerId: 'b', before: now, limit: 10 })).toEqual([overdue.id]);

    // Consumer a finishes its entry: the write that finishes it takes it out of a's index, not b's.
    const claimed = await repository.applyChange(
      overdue.id,
      change(claimTransition({ consumerId: 'a', claimToken: 't', now: new Date(), leaseExpiresAt: now + 60_000 }).plan(overdue)),
    );
    expect(claimed.applied && claimed.job.consumers.a.deadline).toBe(overdue.consumers.a.deadline);
    await repository.applyChange(
      overdue.id,
      change(
        completeTransition({ consumerId: 'a', claimToken: 't', placed: { result: 1 }, now: new Date() }).plan(
          claimed.applied ? claimed.job : overdue,
        ),
      ),
    );

    expect(await repository.findOverdue({ consumerId: 'a', before: now, limit: 10 })).toEqual([]);
    expect(await repository.findOverdue({ consumerId: 'b', before: now, limit: 10 })).toEqual([overdue.id]);
    const stored = (await table.items()).find((item) => item['id'] === overdue.id);
    expect(stored).toMatchObject({ deadline_b: overdue.consumers.b.deadline, sweepShard: expect.stringMatching(/^[0-3]$/) });
    expect(stored).not.toHaveProperty('deadline_a');
    expect((await repository.get(overdue.id))?.consumers.b.deadline).toBe(overdue.consumers.b.deadline);
  });

  it('moves an entry in its index when a write sets a new deadline (a release, a hand-over, a postponement)', async () => {
    const now = Date.now();
    const job = aSubmittedJob({ now: new Date(now - 10 * 3_600_000) }); // due long ago
    await repository.create(job);
    const claimed = await repository.applyChange(
      job.id,
      change(claimTransition({ consumerId: 'a', claimToken: 't', now: new Date(), leaseExpiresAt: now + 60_000 }).plan(job)),
    );
    const later = now + 3_600_000;
    await repository.applyChange(
      job.id,
      change(
        releaseTransition({
          consumerId: 'a',
          claimToken: 't',
          lastError: { code: 'X', message: 'x' },
          now: new Date(),
          deadline: later,
        }).plan(claimed.applied ? claimed.job : job),
      ),
    );

    expect((await repository.get(job.id))?.consumers.a.deadline).toBe(later);
    expect((await table.items()).find((item) => item['id'] === job.id)).toMatchObject({ deadline_a: later });
    expect(await repository.findOverdue({ consumerId: 'a', before: now, limit: 10 })).toEqual([]);
    expect(await repository.findOverdue({ consumerId: 'a', before: later + 1, limit: 10 })).toEqual([job.id]);
  });

  it('reads the deadline of an entry out of the stream image, where it sits at the top level', () => {
    const job = aSubmittedJob();
    expect(jobFromItem(itemOfJob(job))).toEqual(job);
  });
});

describe('DynamoDbJobRepository listing, against DynamoDB Local', () => {
  let table: TestTable;
  let repository: DynamoDbJobRepository;

  onItsOwnTable((t, r) => {
    table = t;
    repository = r;
  });

  it('lists jobs of the given types newest first from the index, merging types, and pages by position', async () => {
    const jobs = [];
    for (let i = 0; i < 7; i++) {
      const job = aSubmittedJob({
        type: i % 2 ? 'noop' : 'sleep',
        input: i % 2 ? {} : { seconds: 1 },
        now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      });
      await repository.create(job);
      jobs.push(job);
    }
    const newestFirst = [...jobs].reverse();

    const first = await repository.listNewest({ types: ['noop', 'sleep'], limit: 4 });
    expect(first.jobs).toEqual(newestFirst.slice(0, 4));
    expect(first.more).toBe(true);
    const second = await repository.listNewest({ types: ['noop', 'sleep'], limit: 4, before: listPosition(first.jobs[3]) });
    expect(second.jobs).toEqual(newestFirst.slice(4));
    expect(second.more).toBe(false);

    const onlyNoop = await repository.listNewest({ types: ['noop'], limit: 10 });
    expect(onlyNoop.jobs.map((j) => j.id)).toEqual(newestFirst.filter((j) => j.type === 'noop').map((j) => j.id));
  });

  it("lists one owner's jobs from the owners' index, reading no other owner's", async () => {
    // Owners of their own, apart from the jobs other tests of this table stored.
    const alice = aCaller('alice-lists').owner;
    const bob = aCaller('bob-lists').owner;
    const alices = [];
    for (let i = 0; i < 6; i++) {
      const job = aSubmittedJob({
        type: i % 2 ? 'noop' : 'sleep',
        owner: i % 3 === 2 ? bob : alice,
        now: new Date(Date.UTC(2026, 1, 1, 0, 0, i)),
      });
      await repository.create(job);
      if (job.owner?.principal === alice.principal) alices.push(job);
    }
    const queries: { index?: string; scanned?: number }[] = [];
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'QueryCommand')
          queries.push({
            index: (args.input as { IndexName?: string }).IndexName,
            scanned: (result.output as { ScannedCount?: number }).ScannedCount,
          });
        return result;
      },
      { step: 'initialize', name: 'recordQueries' },
    );
    try {
      const page = await repository.listNewest({ types: ['noop', 'sleep'], limit: 10, owner: alice.principal });
      expect(page.jobs.map((j) => j.id)).toEqual([...alices].reverse().map((j) => j.id));
      expect(queries.map((q) => q.index)).toEqual(['by-owner-type-created', 'by-owner-type-created']);
      // What the index read is alice's alone: no other owner's job was read and dropped.
      expect(queries.reduce((sum, q) => sum + (q.scanned ?? 0), 0)).toBe(alices.length);
    } finally {
      table.client.middlewareStack.remove('recordQueries');
    }
  });

  it('keeps the index key out of the job it reads back', async () => {
    const job = aSubmittedJob();
    await repository.create(job);
    expect(await repository.get(job.id)).toEqual(job);
    expect((await table.items()).find((i) => i['id'] === job.id)).toMatchObject({
      createdSort: listPosition(job),
      ownerType: `${job.owner?.principal}#${job.type}`,
    });
  });
});

describe('DynamoDbJobRepository idempotency keys, against DynamoDB Local', () => {
  let table: TestTable;
  let repository: DynamoDbJobRepository;
  onItsOwnTable((t, r) => {
    table = t;
    repository = r;
  });

  it('stores the job and its key together, and refuses a second job with the same key, writing nothing', async () => {
    const job = aSubmittedJob();
    expect(await repository.createIdempotent(job, { keyHash: 'k1', requestHash: 'r1' })).toEqual({ created: true });
    const other = aSubmittedJob();

    expect(await repository.createIdempotent(other, { keyHash: 'k1', requestHash: 'r2' })).toEqual({
      created: false,
      existing: { keyHash: 'k1', requestHash: 'r1', jobId: job.id },
    });

    expect(await repository.get(job.id)).toEqual(job);
    expect(await repository.get(other.id)).toBeUndefined();
    expect((await table.items()).find((i) => i['id'] === 'idempotency#k1')).toMatchObject({ jobId: job.id, expiresAt: job.expiresAt });
  });

  it('lets exactly one of many concurrent requests with the same key create a job', async () => {
    const jobs = Array.from({ length: 8 }, () => aSubmittedJob());
    // A transaction that collides with another on the key is refused as unavailable (the API's 503): callers retry it.
    const submit = async (job: (typeof jobs)[number]): Promise<Awaited<ReturnType<DynamoDbJobRepository['createIdempotent']>>> => {
      try {
        return await repository.createIdempotent(job, { keyHash: 'race', requestHash: 'r' });
      } catch (error) {
        if (error instanceof StoreUnavailableError) return submit(job);
        throw error;
      }
    };
    const outcomes = await Promise.all(jobs.map(submit));
    const winners = outcomes.filter((o) => o.created);
    expect(winners).toHaveLength(1);
    const winnerId = jobs[outcomes.findIndex((o) => o.created)].id;
    for (const outcome of outcomes) if (!outcome.created) expect(outcome.existing.jobId).toBe(winnerId);
    const stored = await Promise.all(jobs.map((job) => repository.get(job.id)));
    expect(stored.filter(Boolean)).toHaveLength(1);
  });
});

/** A client whose first answer to `command` is lost after the write landed, as on a dropped connection: the SDK retries it. */
function clientLosingFirstAnswerTo(command: string): { client: DynamoDBClient; tries: () => number } {
  const client = new DynamoDBClient({});
  let tries = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      if (context.commandName !== command) return output;
      tries += 1;
      if (tries === 1) throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError' });
      return output;
    },
    { step: 'deserialize', name: 'loseFirstAnswer' },
  );
  return { client, tries: () => tries };
}

describe('DynamoDbJobRepository when an answer is lost and the SDK retries, against DynamoDB Local', () => {
  let table: TestTable;
  onItsOwnTable((t) => (table = t));

  it('recognises its own stored job on the retry of a create, instead of calling it taken', async () => {
    const { client, tries } = clientLosingFirstAnswerTo('PutItemCommand');
    const job = aSubmittedJob();

    await new DynamoDbJobRepository(client, table.tableName).create(job);

    expect(tries()).toBe(2); // the first put landed, its answer was lost, the retry met the condition
    expect((await table.items()).filter((i) => i['id'] === job.id)).toHaveLength(1);
    client.destroy();
  });

  it('still refuses another job that has the same id', async () => {
    const repository = new DynamoDbJobRepository(table.client, table.tableName);
    const job = aSubmittedJob();
    await repository.create(job);
    await expect(repository.create({ ...job, createdAt: new Date(Date.parse(job.createdAt) + 1).toISOString() })).rejects.toBeInstanceOf(
      JobAlreadyExistsError,
    );
  });

  it('answers a retried update whose first try landed as not applied, with the item as the first try left it', async () => {
    const job = aSubmittedJob();
    await new DynamoDbJobRepository(table.client, table.tableName).create(job);
    const { client, tries } = clientLosingFirstAnswerTo('UpdateItemCommand');
    const claim = claimTransition({ consumerId: 'a', claimToken: 'lost-answer', now: new Date(), leaseExpiresAt: Date.now() + 60_000 });

    const result = await new DynamoDbJobRepository(client, table.tableName).applyChange(job.id, change(claim.plan(job)));

    // The retry meets the condition the first try made false: the domain recognises its own token in `current`.
    expect(tries()).toBe(2);
    expect(result).toMatchObject({
      applied: false,
      current: { version: 2, consumers: { a: { status: 'RUNNING', claimToken: 'lost-answer' } } },
    });
    expect(claim.plan(result.applied ? result.job : result.current).kind).toBe('already-applied');
    client.destroy();
  });

  // No code of ours: the SDK sends the same ClientRequestToken on the retry, which makes the transaction idempotent.
  it('answers a retried idempotent create as created, its job and key stored once', async () => {
    const { client, tries } = clientLosingFirstAnswerTo('TransactWriteItemsCommand');
    const job = aSubmittedJob();

    expect(await new DynamoDbJobRepository(client, table.tableName).createIdempotent(job, { keyHash: 'lost', requestHash: 'r' })).toEqual({
      created: true,
    });

    expect(tries()).toBe(2);
    expect(await new DynamoDbJobRepository(table.client, table.tableName).get(job.id)).toEqual(job);
    expect((await table.items()).filter((i) => i['id'] === job.id || i['id'] === 'idempotency#lost')).toHaveLength(2);
    client.destroy();
  });
});

describe('DynamoDbJobRepository under what real DynamoDB does and DynamoDB Local never shows (injected by an SDK middleware)', () => {
  let table: TestTable;
  onItsOwnTable((t) => (table = t));

  const faulty = (faultFor: Parameters<typeof dynamoDbClientWithFaults>[0]) => {
    const { client, calls } = dynamoDbClientWithFaults(faultFor);
    return { repository: new DynamoDbJobRepository(client, table.tableName, { sleep: async () => undefined }), calls, client };
  };
  const key = (n: number) => ({ keyHash: `key-${n}-${Math.random()}`, requestHash: 'request' });

  it.each([
    ['throttled', { kind: 'transaction-throttled' as const }],
    ['still in progress under its client token', { kind: 'transaction-in-progress' as const }],
  ])('answers an idempotent submit whose transaction is %s as unavailable (503), writing nothing', async (_case, fault) => {
    const { repository, client } = faulty((call) => (call.command === 'TransactWriteItemsCommand' ? fault : undefined));
    const job = aSubmittedJob();

    await expect(repository.createIdempotent(job, key(1))).rejects.toBeInstanceOf(StoreUnavailableError);

    expect((await table.items()).some((item) => item['id'] === job.id)).toBe(false);
    client.destroy();
  });

  it('answers unavailable, not a 500, when the read of a taken key is throttled', async () => {
    const plain = new DynamoDbJobRepository(table.client, table.tableName);
    const taken = key(2);
    await plain.createIdempotent(aSubmittedJob(), taken);
    const { repository, client, calls } = faulty((call) => (call.command === 'GetItemCommand' ? { kind: 'throttle' } : undefined));

    await expect(repository.createIdempotent(aSubmittedJob(), taken)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls.filter((c) => c.command === 'GetItemCommand').length).toBeGreaterThanOrEqual(2); // the SDK retried the throttle first
    client.destroy();
  });

  it('gives a key past its expiry to a new job while the expired key item is still there (TTL deletes lazily)', async () => {
    const repository = new DynamoDbJobRepository(table.client, table.tableName);
    const claim = key(3);
    const old = aSubmittedJob({ now: new Date(Date.now() - 10 * 86_400_000) }); // retention 7 days: expired
    await repository.createIdempotent(old, claim);
    const fresh = aSubmittedJob();

    expect(await repository.createIdempotent(fresh, claim)).toEqual({ created: true });

    const stored = (await table.items()).find((item) => item['id'] === `idempotency#${claim.keyHash}`);
    expect(stored).toMatchObject({ jobId: fresh.id, expiresAt: fresh.expiresAt });
  });

  it('keeps a key that has not expired, and hands it over only from the job named as gone', async () => {
    const repository = new DynamoDbJobRepository(table.client, table.tableName);
    const claim = key(4);
    const first = aSubmittedJob();
    await repository.createIdempotent(first, claim);

    expect(await repository.createIdempotent(aSubmittedJob(), claim)).toEqual({ created: false, existing: { ...claim, jobId: first.id } });
    expect(await repository.createIdempotent(aSubmittedJob(), { ...claim, replacing: 'some-other-job' })).toMatchObject({ created: false });
    const successor = aSubmittedJob();
    expect(await repository.createIdempotent(successor, { ...claim, replacing: first.id })).toEqual({ created: true });
    expect((await table.items()).find((item) => item['id'] === `idempotency#${claim.keyHash}`)).toMatchObject({ jobId: successor.id });
  });

  it('never moves the listing past a job it did not return when BatchGetItem leaves keys unprocessed', async () => {
    const plain = new DynamoDbJobRepository(table.client, table.tableName);
    const jobs = Array.from({ length: 6 }, (_, i) =>
      aSubmittedJob({ type: 'unprocessed-test', now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }),
    );
    for (const job of jobs) await plain.create(job);
    const newestFirst = [...jobs].reverse().map((j) => j.id);

    // Under load, every round answers one key only: five rounds read five of the six jobs.
    const { repository, client } = faulty((call) =>
      call.command === 'BatchGetItemCommand' ? { kind: 'unprocessed-keys', answered: 1 } : undefined,
    );
    const page = await repository.listNewest({ types: ['unprocessed-test'], limit: 6 });

    expect(page.more).toBe(true);
    expect(page.jobs.map((j) => j.id)).toEqual(newestFirst.slice(0, page.jobs.length));
    expect(page.jobs.length).toBe(5); // one key per round, five rounds
    const rest = await repository.listNewest({
      types: ['unprocessed-test'],
      limit: 6,
      before: listPosition(page.jobs[page.jobs.length - 1]),
    });
    expect(rest.jobs.map((j) => j.id)).toEqual(newestFirst.slice(5));
    client.destroy();
  });

  it('answers unavailable rather than an empty page when not even the first job could be read', async () => {
    const plain = new DynamoDbJobRepository(table.client, table.tableName);
    await plain.create(aSubmittedJob({ type: 'unread-test' }));
    const { repository, client } = faulty((call) =>
      call.command === 'BatchGetItemCommand' ? { kind: 'unprocessed-keys', answered: 0 } : undefined,
    );

    await expect(repository.listNewest({ types: ['unread-test'], limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
    client.destroy();
  });
});
