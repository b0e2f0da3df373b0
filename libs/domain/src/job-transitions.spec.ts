import type { Job } from './job';
import { applyChange, meetsExpectation } from './job-change';
import { canTransition, phaseOf } from './job-status';
import {
  adoptTransition,
  cancelTransition,
  claimTransition,
  completeTransition,
  failTransition,
  handOverFailureTransition,
  redispatchTransition,
  releaseTransition,
  renewLeaseTransition,
  retryTransition,
  type Decision,
  type Transition,
} from './job-transitions';
import { sweepTransition } from './sweep-transition';
import { aJob, alice, anEntry, deployedDeadlines as deadlines } from '../testing';

const now = new Date('2026-01-01T00:10:00.000Z');
const claim = (token = 't1') => claimTransition({ consumerId: 'a', claimToken: token, now, leaseExpiresAt: now.getTime() + 60_000 });
const running = (token = 't1', leaseExpiresAt = now.getTime() + 1) =>
  anEntry({ status: 'RUNNING', attempts: 1, claimToken: token, leaseExpiresAt });
const reason = { code: 'BOOM', message: 'it broke' };

function written(decision: Decision) {
  if (decision.kind !== 'write')
    throw new Error(`expected a write, got ${decision.kind === 'stop' ? `stop ${decision.reason.code}` : decision.kind}`);
  return decision.change;
}
function stopped(decision: Decision) {
  if (decision.kind !== 'stop') throw new Error(`expected a stop, got ${decision.kind}`);
  return decision.reason.code;
}
const fromRun = (claimToken: string) => ({ kind: 'run' as const, claimToken });
const fromDelivery = (evidenceRequired = false) => ({ kind: 'delivery' as const, evidenceRequired });
const fromDispatch = (claimToken: string) => ({ kind: 'dispatch' as const, claimToken });
const dispatched = (token = 'd1', leaseExpiresAt = now.getTime() + 600_000) =>
  anEntry({ status: 'RUNNING', attempts: 1, claimToken: token, leaseExpiresAt, dispatchedAt: now.toISOString() });
const adopt = (claimToken = 'r1') => adoptTransition({ consumerId: 'a', claimToken, now, leaseExpiresAt: now.getTime() + 60_000 });

describe('claim', () => {
  it('takes a PENDING entry to RUNNING with the token, a lease and one more attempt', () => {
    const job = aJob();
    const next = applyChange(job, written(claim().plan(job)));
    expect(next.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 't1', attempts: 1, leaseExpiresAt: now.getTime() + 60_000 });
    expect(next.consumers.b.status).toBe('PENDING');
    expect(next.version).toBe(2);
  });

  it('needs no version: two consumers claiming the same job never conflict', () => {
    expect(written(claim().plan(aJob())).expect.version).toBeUndefined();
  });

  it('takes over a RUNNING entry whose lease expired', () => {
    const job = aJob({ consumers: { a: running('old', now.getTime() - 1), b: anEntry() } });
    const next = applyChange(job, written(claim('new').plan(job)));
    expect(next.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 'new', attempts: 2 });
  });

  it('refuses while another run holds an unexpired lease', () => {
    expect(stopped(claim().plan(aJob({ consumers: { a: running('other'), b: anEntry() } })))).toBe('CLAIM_HELD');
  });

  it('recognises a duplicate delivery of a finished job', () => {
    expect(stopped(claim().plan(aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry() } })))).toBe('ALREADY_FINISHED');
  });

  it('does not run a cancelled job', () => {
    expect(stopped(claim().plan(aJob({ consumers: { a: anEntry({ status: 'CANCELLED' }), b: anEntry() } })))).toBe('CANCELLED');
  });

  it('recognises its own claim, whose answer was lost, by its token: the claim is made', () => {
    const job = aJob({ consumers: { a: running('t1', now.getTime() + 60_000), b: anEntry() } });
    expect(claim('t1').plan(job)).toEqual({ kind: 'already-applied', job });
    expect(stopped(claim('t2').plan(job))).toBe('CLAIM_HELD');
  });

  it('stops for a vanished job or a consumer the job was not created for', () => {
    expect(stopped(claim().plan(undefined))).toBe('JOB_NOT_FOUND');
    expect(stopped(claim().plan(aJob({ consumers: { b: anEntry() } })))).toBe('UNKNOWN_CONSUMER');
  });
});

describe('complete and release', () => {
  const complete = (token: string) => completeTransition({ consumerId: 'a', claimToken: token, placed: { result: { ok: true } }, now });

  it('stores the result and drops the claim', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const next = applyChange(job, written(complete('t1').plan(job)));
    expect(next.consumers.a).toMatchObject({ status: 'SUCCEEDED', result: { ok: true }, finishedAt: now.toISOString() });
    expect(next.consumers.a.claimToken).toBeUndefined();
    expect(next.consumers.a.leaseExpiresAt).toBeUndefined();
  });

  it('marks the entry as finished by its claim, and recognises that completion when its answer was lost', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const completed = applyChange(job, written(complete('t1').plan(job)));
    expect(completed.consumers.a.finishedBy).toBe('t1');
    expect(complete('t1').plan(completed)).toEqual({ kind: 'already-applied', job: completed });
    expect(stopped(complete('t2').plan(completed))).toBe('STALE_CLAIM');
  });

  it('refuses to complete under a claim that was taken over', () => {
    expect(stopped(complete('t1').plan(aJob({ consumers: { a: running('t2'), b: anEntry() } })))).toBe('STALE_CLAIM');
  });

  it('discards the late result of a job cancelled while it ran', () => {
    expect(stopped(complete('t1').plan(aJob({ consumers: { a: anEntry({ status: 'CANCELLED' }), b: anEntry() } })))).toBe('CANCELLED');
  });

  it('releases the claim back to PENDING with the last error, keeping the attempt count', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const next = applyChange(job, written(releaseTransition({ consumerId: 'a', claimToken: 't1', lastError: reason, now }).plan(job)));
    expect(next.consumers.a).toMatchObject({ status: 'PENDING', attempts: 1, lastError: reason });
    expect(next.consumers.a.claimToken).toBeUndefined();
  });
});

describe('renew the lease', () => {
  const renew = (token: string) =>
    renewLeaseTransition({ consumerId: 'a', claimToken: token, leaseExpiresAt: now.getTime() + 30_000, now });

  it('moves the lease ahead under the same claim, leaving the entry RUNNING', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const change = written(renew('t1').plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'held-by', claimToken: 't1' } });
    expect(applyChange(job, change).consumers.a).toMatchObject({
      status: 'RUNNING',
      claimToken: 't1',
      attempts: 1,
      leaseExpiresAt: now.getTime() + 30_000,
    });
  });

  it('stops once the claim was taken over or the job cancelled', () => {
    expect(stopped(renew('t1').plan(aJob({ consumers: { a: running('t2'), b: anEntry() } })))).toBe('STALE_CLAIM');
    expect(stopped(renew('t1').plan(aJob({ consumers: { a: anEntry({ status: 'CANCELLED' }), b: anEntry() } })))).toBe('CANCELLED');
  });
});

describe('hand a failure over', () => {
  it('keeps the claim but drops the lease, so that no redelivery claims the entry until FAILED is recorded', () => {
    const job = aJob({ consumers: { a: running('t1', now.getTime() + 60_000), b: anEntry() } });
    const handedOver = applyChange(job, written(handOverFailureTransition({ consumerId: 'a', claimToken: 't1', reason, now }).plan(job)));
    expect(handedOver.consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 't1', lastError: reason });
    expect(handedOver.consumers.a.leaseExpiresAt).toBeUndefined();
    expect(stopped(claim('t2').plan(handedOver))).toBe('FAILURE_HANDED_OVER');
    expect(meetsExpectation(handedOver, { entries: { a: { kind: 'claimable', now: now.getTime() + 3_600_000 } } })).toBe(false);
    expect(
      applyChange(
        handedOver,
        written(failTransition({ consumerId: 'a', reason, origin: fromRun('t1'), token: 'f1', now }).plan(handedOver)),
      ).consumers.a.status,
    ).toBe('FAILED');
  });
});

describe('fail', () => {
  const fail = (origin: ReturnType<typeof fromRun> | ReturnType<typeof fromDelivery>, token = 'f1') =>
    failTransition({ consumerId: 'a', reason, origin, token, now });

  it("records a run's own failure only while that run still holds the claim", () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const change = written(fail(fromRun('t1')).plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'held-by', claimToken: 't1' } });
    expect(applyChange(job, change).consumers.a).toMatchObject({ status: 'FAILED', error: reason, finishedBy: 'f1' });
  });

  it('never lets the late failure of a superseded attempt overwrite the newer run, nor its retry', () => {
    expect(stopped(fail(fromRun('t1')).plan(aJob({ consumers: { a: running('t2'), b: anEntry() } })))).toBe('STALE_CLAIM');
    expect(stopped(fail(fromRun('t1')).plan(aJob({ consumers: { a: anEntry({ attempts: 1 }), b: anEntry() } })))).toBe('STALE_CLAIM');
  });

  it("records the event source's giving up unless a live run holds the entry, with the entry's last error", () => {
    for (const entry of [
      anEntry(),
      anEntry({ attempts: 2, lastError: { code: 'FLAKY', message: 'again' } }),
      running('t1', now.getTime() - 1),
    ]) {
      const job = aJob({ consumers: { a: entry, b: anEntry() } });
      const change = written(fail(fromDelivery()).plan(job));
      expect(change.expect.entries).toEqual({ a: { kind: 'not-live', now: now.getTime() } });
      expect(applyChange(job, change).consumers.a).toMatchObject({
        status: 'FAILED',
        error: { code: 'BOOM', message: entry.lastError ? 'it broke; last error: FLAKY: again' : 'it broke' },
      });
    }
    expect(stopped(fail(fromDelivery()).plan(aJob({ consumers: { a: running('t1', now.getTime() + 1), b: anEntry() } })))).toBe(
      'CLAIM_HELD',
    );
  });

  it('records from a shared stream range only the entries that show an attempt of their own', () => {
    expect(stopped(fail(fromDelivery(true)).plan(aJob()))).toBe('UNATTEMPTED');
    const retried = aJob({ consumers: { a: anEntry({ attempts: 1, lastError: reason }), b: anEntry() } });
    expect(applyChange(retried, written(fail(fromDelivery(true)).plan(retried))).consumers.a.status).toBe('FAILED');
  });

  it('is idempotent, recognises its own write whose answer was lost, and never overwrites a finished entry', () => {
    const failed = aJob({ consumers: { a: anEntry({ status: 'FAILED', error: reason, finishedBy: 'f1' }), b: anEntry() } });
    expect(fail(fromDelivery(), 'f1').plan(failed)).toEqual({ kind: 'already-applied', job: failed });
    expect(stopped(fail(fromDelivery(), 'f2').plan(failed))).toBe('ALREADY_FAILED');
    expect(stopped(fail(fromDelivery()).plan(aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry() } })))).toBe(
      'ALREADY_FINISHED',
    );
  });
});

describe('cancel', () => {
  const cancel = cancelTransition({ now, by: alice });

  it('cancels only the unfinished entries, expecting exactly that they are unfinished and not cancelled', () => {
    const job = aJob({ version: 7, consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: running() } });
    const change = written(cancel.plan(job));
    expect(change.expect).toEqual({ notCancelled: true, entries: { b: { kind: 'status-in', statuses: ['PENDING', 'RUNNING'] } } });
    // A consumer claiming meanwhile does not invalidate it; one finishing meanwhile does.
    expect(meetsExpectation({ ...job, version: 8, consumers: { ...job.consumers, b: running('t2') } }, change.expect)).toBe(true);
    expect(meetsExpectation({ ...job, consumers: { ...job.consumers, b: anEntry({ status: 'SUCCEEDED' }) } }, change.expect)).toBe(false);
    expect(meetsExpectation({ ...job, cancelledAt: now.toISOString() }, change.expect)).toBe(false);
    const next = applyChange(job, change);
    expect(next.consumers.a.status).toBe('SUCCEEDED');
    expect(next.consumers.b).toMatchObject({ status: 'CANCELLED', error: { code: 'CANCELLED' } });
    expect(next.cancelledAt).toBe(now.toISOString());
  });

  it('refuses a finished job and is idempotent on a cancelled one', () => {
    const done = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'FAILED' }) } });
    expect(stopped(cancel.plan(done))).toBe('ALREADY_FINISHED');
    expect(stopped(cancel.plan(aJob({ cancelledAt: now.toISOString() })))).toBe('ALREADY_CANCELLED');
  });
});

describe('dispatch to the runner', () => {
  it('claims for the runner: counted as an attempt, marked dispatched, under the lease it is given', () => {
    const change = written(
      claimTransition({ consumerId: 'a', claimToken: 'd1', now, leaseExpiresAt: now.getTime() + 600_000, dispatch: true }).plan(aJob()),
    );
    const entry = applyChange(aJob(), change).consumers['a'];
    expect(entry).toMatchObject({ status: 'RUNNING', attempts: 1, claimToken: 'd1', leaseExpiresAt: now.getTime() + 600_000 });
    expect(entry.dispatchedAt).toBe(now.toISOString());
  });

  it('is adopted by one runner: its own token and lease, no new attempt, no longer dispatched', () => {
    const job = aJob({ consumers: { a: dispatched('d1'), b: anEntry() } });
    const change = written(adopt('r1').plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'dispatched', claimToken: 'd1' } });
    const entry = applyChange(job, change).consumers['a'];
    expect(entry).toMatchObject({ status: 'RUNNING', attempts: 1, claimToken: 'r1', leaseExpiresAt: now.getTime() + 60_000 });
    expect(entry.dispatchedAt).toBeUndefined();
    // A second delivery of the same order finds it adopted, under a live lease.
    expect(stopped(adopt('r2').plan(applyChange(job, change)))).toBe('CLAIM_HELD');
    // The same runner whose answer was lost recognises its own adoption.
    expect(adopt('r1').plan(applyChange(job, change)).kind).toBe('already-applied');
  });

  it('takes over a runner that died once its lease lapsed, as the next attempt', () => {
    const job = aJob({ consumers: { a: running('r1', now.getTime() - 1), b: anEntry() } });
    const change = written(adopt('r2').plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'claimable', now: now.getTime() } });
    expect(applyChange(job, change).consumers['a']).toMatchObject({ claimToken: 'r2', attempts: 2 });
  });

  it('claims an entry released when a retry could not be dispatched', () => {
    const released = aJob({ consumers: { a: anEntry({ attempts: 1, lastError: reason }), b: anEntry() } });
    expect(applyChange(released, written(adopt('r1').plan(released))).consumers['a']).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
    });
  });

  it("adopts the entry's current dispatch whichever order arrives: one whose order was never sent, or whose lease lapsed", () => {
    // A runner wrote its retry's dispatch d2 and died before sending the order: Lambda's retry of the old order adopts d2.
    for (const leaseExpiresAt of [now.getTime() + 600_000, now.getTime() - 1]) {
      const job = aJob({ consumers: { a: { ...dispatched('d2', leaseExpiresAt), attempts: 2 }, b: anEntry() } });
      const change = written(adopt('r1').plan(job));
      expect(change.expect.entries).toEqual({ a: { kind: 'dispatched', claimToken: 'd2' } });
      const entry = applyChange(job, change).consumers['a'];
      expect(entry).toMatchObject({ claimToken: 'r1', attempts: 2 });
      expect(entry.dispatchedAt).toBeUndefined();
    }
  });

  it('gives the attempt back when a claim is released before its run started (its order could not be sent)', () => {
    const job = aJob({ consumers: { a: dispatched('d1'), b: anEntry() } });
    const release = (unstarted: boolean) =>
      applyChange(job, written(releaseTransition({ consumerId: 'a', claimToken: 'd1', lastError: reason, now, unstarted }).plan(job)))
        .consumers['a'];
    expect(release(true)).toMatchObject({ status: 'PENDING', attempts: 0, lastError: reason });
    expect(release(true).dispatchedAt).toBeUndefined();
    expect(release(false)).toMatchObject({ status: 'PENDING', attempts: 1 });
  });

  it('is never adopted once cancelled, finished or handed over', () => {
    expect(stopped(adopt().plan(aJob({ consumers: { a: anEntry({ status: 'CANCELLED' }), b: anEntry() } })))).toBe('CANCELLED');
    expect(stopped(adopt().plan(aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry() } })))).toBe('ALREADY_FINISHED');
    const handedOver = anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'r0', lastError: reason });
    expect(stopped(adopt().plan(aJob({ consumers: { a: handedOver, b: anEntry() } })))).toBe('FAILURE_HANDED_OVER');
  });

  it("turns a runner's retryable failure into the next attempt's dispatch, only under the runner's claim", () => {
    const job = aJob({ consumers: { a: running('r1', now.getTime() + 30_000), b: anEntry() } });
    const transition = redispatchTransition({
      consumerId: 'a',
      claimToken: 'r1',
      dispatchToken: 'd2',
      leaseExpiresAt: now.getTime() + 600_000,
      lastError: reason,
      now,
    });
    const change = written(transition.plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'held-by', claimToken: 'r1' } });
    expect(applyChange(job, change).consumers['a']).toMatchObject({
      status: 'RUNNING',
      attempts: 2,
      claimToken: 'd2',
      dispatchedAt: now.toISOString(),
      lastError: reason,
      leaseExpiresAt: now.getTime() + 600_000,
    });
    expect(stopped(transition.plan(aJob({ consumers: { a: running('r9'), b: anEntry() } })))).toBe('STALE_CLAIM');
  });

  it("records the runner's giving up while its dispatch holds the entry, or once no live run does", () => {
    const fail = (job: Job) => failTransition({ consumerId: 'a', reason, origin: fromDispatch('d1'), token: 'f1', now }).plan(job);
    const waiting = aJob({ consumers: { a: dispatched('d1'), b: anEntry() } });
    expect(written(fail(waiting)).expect.entries).toEqual({ a: { kind: 'held-by', claimToken: 'd1' } });
    const died = aJob({ consumers: { a: running('r1', now.getTime() - 1), b: anEntry() } });
    expect(written(fail(died)).expect.entries).toEqual({ a: { kind: 'not-live', now: now.getTime() } });
    expect(stopped(fail(aJob({ consumers: { a: running('r1', now.getTime() + 30_000), b: anEntry() } })))).toBe('CLAIM_HELD');
    expect(applyChange(waiting, written(fail(waiting))).consumers['a'].dispatchedAt).toBeUndefined();
  });
});

describe('every planned write', () => {
  const jobs: Job[] = [
    aJob(),
    aJob({ consumers: { a: running('t1'), b: anEntry() } }),
    aJob({ consumers: { a: running('t1', now.getTime() - 5), b: running('t9') } }),
    aJob({ consumers: { a: anEntry({ attempts: 2, lastError: reason }), b: anEntry({ status: 'SUCCEEDED' }) } }),
    // Handed over (the run failed for good, the error handler records it), and long overdue on both consumers.
    aJob({
      consumers: {
        a: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 't1', lastError: reason, deadline: 1 }),
        b: anEntry({ status: 'SUCCEEDED', deadline: 1 }),
      },
    }),
    aJob({ createdAt: '2025-01-01T00:00:00.000Z', consumers: { a: running('t1', 1), b: anEntry({ deadline: 1 }) } }),
    // Dispatched to the runner and waiting for it; and a dispatch whose lease lapsed.
    aJob({ consumers: { a: dispatched('d1'), b: dispatched('d1', 1) } }),
    // Ended FAILED on one consumer, SUCCEEDED on the other; and a retry waiting for its delivery.
    aJob({ consumers: { a: anEntry({ status: 'FAILED', attempts: 3, error: reason }), b: anEntry({ status: 'SUCCEEDED', attempts: 1 }) } }),
    aJob({
      retryRequestedAt: now.toISOString(),
      consumers: { a: anEntry({ attempts: 3, lastError: reason, attemptsBeforeRetry: 3 }), b: anEntry() },
    }),
  ];
  const transitions: Transition[] = [
    claim(),
    claimTransition({ consumerId: 'a', claimToken: 'd1', now, leaseExpiresAt: now.getTime() + 600_000, dispatch: true }),
    adopt('r1'),
    adoptTransition({ consumerId: 'b', claimToken: 'r1', now, leaseExpiresAt: now.getTime() + 60_000 }),
    redispatchTransition({ consumerId: 'a', claimToken: 't1', dispatchToken: 'd2', leaseExpiresAt: 9e12, lastError: reason, now }),
    failTransition({ consumerId: 'a', reason, origin: fromDispatch('d1'), token: 'f1', now }),
    completeTransition({ consumerId: 'a', claimToken: 't1', placed: { result: 1 }, now }),
    releaseTransition({ consumerId: 'a', claimToken: 't1', lastError: reason, now }),
    renewLeaseTransition({ consumerId: 'a', claimToken: 't1', leaseExpiresAt: now.getTime() + 30_000, now }),
    handOverFailureTransition({ consumerId: 'a', claimToken: 't1', reason, now }),
    failTransition({ consumerId: 'a', reason, origin: fromRun('t1'), token: 'f1', now }),
    failTransition({ consumerId: 'a', reason, origin: fromDelivery(), token: 'f1', now }),
    cancelTransition({ now, by: alice }),
    retryTransition({ now, by: alice, deadlineOf: (at) => at.getTime() + 60_000 }),
    // The sweeper ends, postpones or cleans; far in the future, every deadline has passed.
    sweepTransition({ consumerId: 'a', now: new Date('2030-01-01T00:00:00.000Z'), policy: deadlines, token: 's1' }),
    sweepTransition({ consumerId: 'b', now: new Date('2030-01-01T00:00:00.000Z'), policy: deadlines, token: 's1' }),
  ];

  it('expects exactly what it was planned from, and moves entries only along the state machine', () => {
    let writes = 0;
    for (const job of jobs) {
      for (const transition of transitions) {
        const decision = transition.plan(job);
        if (decision.kind !== 'write') continue;
        writes += 1;
        expect(meetsExpectation(job, decision.change.expect)).toBe(true);
        const next = applyChange(job, decision.change);
        for (const [consumerId, entry] of Object.entries(next.consumers)) {
          const [before, after] = [phaseOf(job.consumers[consumerId]), phaseOf(entry)];
          expect([transition.name, before, after, canTransition(before, after)]).toEqual([transition.name, before, after, true]);
        }
      }
    }
    expect(writes).toBeGreaterThan(8);
  });
});
