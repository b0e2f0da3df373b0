import { applyTransition } from './apply-transition';
import { IllegalTransitionError, JobConflictError } from './errors';
import { applyChange } from './job-change';
import { cancelTransition, claimTransition, completeTransition, failTransition, type Transition } from './job-transitions';
import { FakeClock, InMemoryJobRepository, aJob, alice, anEntry } from '../testing';

const policy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100 };

function setUp() {
  const repository = new InMemoryJobRepository();
  const clock = new FakeClock();
  return { repository, clock, deps: { repository, clock, random: () => 0.5 } };
}

describe('applyTransition', () => {
  it('writes on the first try when nobody interferes, without reading when the job was seen', async () => {
    const { repository, deps, clock } = setUp();
    const job = aJob();
    await repository.create(job);
    const get = jest.spyOn(repository, 'get');
    const claim = claimTransition({ consumerId: 'a', claimToken: 't', now: clock.now(), leaseExpiresAt: 1 });

    const outcome = await applyTransition(deps, job.id, claim, { seen: job, policy });

    expect(outcome).toMatchObject({ kind: 'written', conflicts: 0 });
    expect(get).not.toHaveBeenCalled();
    expect(clock.sleeps).toEqual([]);
  });

  it('re-plans from the fresh item after a concurrent write that breaks its premise, and keeps both writes', async () => {
    const { repository, deps, clock } = setUp();
    const job = aJob({
      consumers: { a: anEntry(), b: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'tb', leaseExpiresAt: 9e15 }) },
    });
    await repository.create(job);
    let interfered = false;
    repository.beforeWrite = (id) => {
      if (interfered) return;
      interfered = true; // consumer b completes between cancel's read and its write
      const current = repository.jobs.get(id)!;
      const change = completeTransition({ consumerId: 'b', claimToken: 'tb', placed: { result: 'done' }, now: clock.now() }).plan(current);
      if (change.kind === 'write') repository.jobs.set(id, applyChange(current, change.change));
    };

    const outcome = await applyTransition(deps, job.id, cancelTransition({ now: clock.now(), by: alice }), { policy });

    expect(outcome).toMatchObject({ kind: 'written', conflicts: 1 });
    const stored = repository.jobs.get(job.id)!;
    expect(stored.version).toBe(3); // the completion's write and the cancel's, neither lost
    expect(stored.consumers.b).toMatchObject({ status: 'SUCCEEDED', result: 'done' }); // the re-plan left it alone
    expect(stored.consumers.a.status).toBe('CANCELLED');
    expect(clock.sleeps).toEqual([]); // the first re-plan goes at once: the refusal brought the fresh item
  });

  it('does not conflict with writers that leave its premise intact', async () => {
    const { repository, deps, clock } = setUp();
    const job = aJob();
    await repository.create(job);
    let interfered = false;
    repository.beforeWrite = (id) => {
      if (interfered) return;
      interfered = true; // consumer b claims between cancel's read and its write: b is still unfinished
      const current = repository.jobs.get(id)!;
      const change = claimTransition({ consumerId: 'b', claimToken: 'tb', now: clock.now(), leaseExpiresAt: 9e15 }).plan(current);
      if (change.kind === 'write') repository.jobs.set(id, applyChange(current, change.change));
    };

    const outcome = await applyTransition(deps, job.id, cancelTransition({ now: clock.now(), by: alice }), { seen: job, policy });

    expect(outcome).toMatchObject({ kind: 'written', conflicts: 0 });
    expect(repository.jobs.get(job.id)).toMatchObject({ version: 3, consumers: { b: { status: 'CANCELLED', attempts: 1 } } });
  });

  it('stops with a reason when the fresh item makes the change pointless', async () => {
    const { repository, deps, clock } = setUp();
    const job = aJob();
    await repository.create({ ...job, consumers: { a: anEntry({ status: 'FAILED' }), b: anEntry() }, version: 2 });
    const claim = claimTransition({ consumerId: 'a', claimToken: 't', now: clock.now(), leaseExpiresAt: 1 });

    const outcome = await applyTransition(deps, job.id, claim, { seen: job, policy });

    expect(outcome).toMatchObject({ kind: 'stopped', reason: { code: 'ALREADY_FINISHED' }, conflicts: 1 });
  });

  it('raises JobConflictError when every attempt loses, never swallowing the conflict', async () => {
    const { repository, deps, clock } = setUp();
    const job = aJob();
    await repository.create(job);
    repository.beforeWrite = (id) => {
      const current = repository.jobs.get(id)!;
      repository.jobs.set(id, { ...current, version: current.version + 1 });
    };
    // A writer that replaces what it read wholesale, so any other write is a conflict.
    const rewrite: Transition = {
      name: 'rewrite',
      plan: (current) => ({
        kind: 'write',
        change: { expect: { version: current?.version ?? 0, entries: {} }, entries: {}, updatedAt: clock.now().toISOString() },
      }),
    };

    await expect(applyTransition(deps, job.id, rewrite, { policy })).rejects.toBeInstanceOf(JobConflictError);
    expect(repository.writes).toBe(0);
    // At once after the first conflict, then full jitter: half (random 0.5) of 10, 20, … ms.
    expect(clock.sleeps).toEqual([5, 10]);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(policy.maxDelayMs);
  });

  it('refuses, unwritten, a planned write that moves an entry against the state machine (a planner bug)', async () => {
    const { repository, deps } = setUp();
    const job = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED', finishedAt: '2026-01-01T00:00:00.000Z' }), b: anEntry() } });
    await repository.create(job);
    const reopen: Transition = {
      name: 'reopen',
      plan: () => ({
        kind: 'write',
        change: { expect: { entries: {} }, entries: { a: { set: { status: 'RUNNING' } } }, updatedAt: 'now' },
      }),
    };
    const handBack: Transition = {
      name: 'hand back',
      plan: () => ({
        kind: 'write',
        change: { expect: { entries: {} }, entries: { b: { set: { status: 'RUNNING', claimToken: 't' } } }, updatedAt: 'now' },
      }),
    };

    await expect(applyTransition(deps, job.id, reopen, { policy })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'SUCCEEDED',
      to: 'RUNNING',
    });
    // PENDING straight to handed over: a claim must come first.
    await expect(applyTransition(deps, job.id, handBack, { policy })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(repository.writes).toBe(0);
  });

  it('checks the write it re-plans after a conflict, not only the first', async () => {
    const { repository, deps } = setUp();
    const job = aJob();
    await repository.create(job);
    // A competing writer finishes consumer a between our read and our write.
    repository.beforeWrite = () => {
      repository.beforeWrite = undefined;
      const stored = repository.jobs.get(job.id)!;
      repository.jobs.set(job.id, {
        ...stored,
        version: stored.version + 1,
        consumers: { ...stored.consumers, a: anEntry({ status: 'SUCCEEDED' }) },
      });
    };
    // Legal from PENDING; from the fresh SUCCEEDED item, the same planner would reopen the entry.
    const start: Transition = {
      name: 'start',
      plan: (current) => ({
        kind: 'write',
        change: {
          expect: { version: current!.version, entries: {} },
          entries: { a: { set: { status: 'RUNNING', claimToken: 't', leaseExpiresAt: 1 } } },
          updatedAt: 'now',
        },
      }),
    };

    await expect(applyTransition(deps, job.id, start, { policy })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(repository.writes).toBe(0);
    expect(repository.jobs.get(job.id)?.consumers.a.status).toBe('SUCCEEDED');
  });

  it('reports a job that does not exist as a stop, not an error', async () => {
    const { deps, clock } = setUp();
    const outcome = await applyTransition(
      deps,
      'missing',
      failTransition({
        consumerId: 'a',
        reason: { code: 'X', message: 'x' },
        origin: { kind: 'delivery', evidenceRequired: false },
        token: 'f1',
        now: clock.now(),
      }),
    );
    expect(outcome).toMatchObject({ kind: 'stopped', reason: { code: 'JOB_NOT_FOUND' } });
  });
});
