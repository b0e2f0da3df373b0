import { aJob, anEntry } from '../tests/helpers/job-factory';
import type { Job } from './job';
import { applyChange, meetsExpectation } from './job-change';
import { canTransition } from './job-status';
import {
  cancelTransition,
  claimTransition,
  completeTransition,
  failTransition,
  handOverFailureTransition,
  releaseTransition,
  renewLeaseTransition,
  type Decision,
  type Transition,
} from './job-transitions';

const now = new Date('2026-01-01T00:10:00.000Z');
const claim = (token = 't1') => claimTransition({ consumerId: 'a', claimToken: token, now, leaseExpiresAt: now.getTime() + 60_000 });
const running = (token = 't1', leaseExpiresAt = now.getTime() + 1) => anEntry({ status: 'RUNNING', attempts: 1, claimToken: token, leaseExpiresAt });
const reason = { code: 'BOOM', message: 'it broke' };

function written(decision: Decision) {
  if (decision.kind !== 'write') throw new Error(`expected a write, got stop ${decision.reason.code}`);
  return decision.change;
}
function stopped(decision: Decision) {
  if (decision.kind !== 'stop') throw new Error('expected a stop, got a write');
  return decision.reason.code;
}

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

  it('stops for a vanished job or a consumer the job was not created for', () => {
    expect(stopped(claim().plan(undefined))).toBe('JOB_NOT_FOUND');
    expect(stopped(claim().plan(aJob({ consumers: { b: anEntry() } })))).toBe('UNKNOWN_CONSUMER');
  });
});

describe('complete and release', () => {
  const complete = (token: string) => completeTransition({ consumerId: 'a', claimToken: token, result: { ok: true }, now });

  it('stores the result and drops the claim', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const next = applyChange(job, written(complete('t1').plan(job)));
    expect(next.consumers.a).toMatchObject({ status: 'SUCCEEDED', result: { ok: true }, finishedAt: now.toISOString() });
    expect(next.consumers.a.claimToken).toBeUndefined();
    expect(next.consumers.a.leaseExpiresAt).toBeUndefined();
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
  const renew = (token: string) => renewLeaseTransition({ consumerId: 'a', claimToken: token, leaseExpiresAt: now.getTime() + 30_000, now });

  it('moves the lease ahead under the same claim, leaving the entry RUNNING', () => {
    const job = aJob({ consumers: { a: running('t1'), b: anEntry() } });
    const change = written(renew('t1').plan(job));
    expect(change.expect.entries).toEqual({ a: { kind: 'held-by', claimToken: 't1' } });
    expect(applyChange(job, change).consumers.a).toMatchObject({ status: 'RUNNING', claimToken: 't1', attempts: 1, leaseExpiresAt: now.getTime() + 30_000 });
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
    expect(applyChange(handedOver, written(failTransition({ consumerId: 'a', reason, now }).plan(handedOver))).consumers.a.status).toBe('FAILED');
  });
});

describe('fail', () => {
  const fail = failTransition({ consumerId: 'a', reason, now });

  it('records the reason on a PENDING or RUNNING entry', () => {
    for (const entry of [anEntry(), running()]) {
      const job = aJob({ consumers: { a: entry, b: anEntry() } });
      expect(applyChange(job, written(fail.plan(job))).consumers.a).toMatchObject({ status: 'FAILED', error: reason });
    }
  });

  it('is idempotent and never overwrites a finished entry', () => {
    expect(stopped(fail.plan(aJob({ consumers: { a: anEntry({ status: 'FAILED', error: reason }), b: anEntry() } })))).toBe('ALREADY_FAILED');
    expect(stopped(fail.plan(aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry() } })))).toBe('ALREADY_FINISHED');
  });
});

describe('cancel', () => {
  const cancel = cancelTransition({ now });

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

describe('every planned write', () => {
  const jobs: Job[] = [
    aJob(),
    aJob({ consumers: { a: running('t1'), b: anEntry() } }),
    aJob({ consumers: { a: running('t1', now.getTime() - 5), b: running('t9') } }),
    aJob({ consumers: { a: anEntry({ attempts: 2, lastError: reason }), b: anEntry({ status: 'SUCCEEDED' }) } }),
  ];
  const transitions: Transition[] = [
    claim(),
    completeTransition({ consumerId: 'a', claimToken: 't1', result: 1, now }),
    releaseTransition({ consumerId: 'a', claimToken: 't1', lastError: reason, now }),
    renewLeaseTransition({ consumerId: 'a', claimToken: 't1', leaseExpiresAt: now.getTime() + 30_000, now }),
    handOverFailureTransition({ consumerId: 'a', claimToken: 't1', reason, now }),
    failTransition({ consumerId: 'a', reason, now }),
    cancelTransition({ now }),
  ];

  it('expects exactly what it was planned from, and moves entries only along the state machine', () => {
    let writes = 0;
    for (const job of jobs) {
      for (const transition of transitions) {
        const decision = transition.plan(job);
        if (decision.kind === 'stop') continue;
        writes += 1;
        expect(meetsExpectation(job, decision.change.expect)).toBe(true);
        const next = applyChange(job, decision.change);
        for (const [consumerId, entry] of Object.entries(next.consumers)) {
          const before = job.consumers[consumerId].status;
          if (before !== entry.status) expect([transition.name, before, entry.status, canTransition(before, entry.status)]).toEqual([transition.name, before, entry.status, true]);
        }
      }
    }
    expect(writes).toBeGreaterThan(8);
  });
});
