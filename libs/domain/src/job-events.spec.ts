import { applyChange } from './job-change';
import { jobEventsOf, JOB_EVENT_TYPES } from './job-events';
import { cancelTransition, completeTransition, claimTransition } from './job-transitions';
import type { Job } from './job';
import { aJob, alice, anEntry } from '../testing';

const now = new Date('2026-01-01T00:00:10.000Z');

function written(job: Job, transition: ReturnType<typeof completeTransition>): Job {
  const plan = transition.plan(job);
  if (plan.kind !== 'write') throw new Error(`not a write: ${JSON.stringify(plan)}`);
  return applyChange(job, plan.change);
}

describe('job events', () => {
  const running = aJob({
    owner: { principal: alice.owner.principal },
    consumers: {
      a: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'ta', leaseExpiresAt: now.getTime() + 60_000 }),
      b: anEntry({ status: 'RUNNING', attempts: 1, claimToken: 'tb', leaseExpiresAt: now.getTime() + 60_000 }),
    },
  });

  it("announces a consumer's end with its own event, and not the job's while another consumer runs", () => {
    const job = written(running, completeTransition({ consumerId: 'a', claimToken: 'ta', placed: { result: { big: 'x' } }, now }));

    const events = jobEventsOf(job);

    expect(events).toEqual([
      {
        detailType: JOB_EVENT_TYPES.consumerFinished,
        detail: expect.objectContaining({
          eventId: `${job.id}/a/SUCCEEDED/${now.toISOString()}`,
          jobId: job.id,
          consumerId: 'a',
          status: 'SUCCEEDED',
          occurredAt: now.toISOString(),
        }),
      },
    ]);
    // No inline body: subscribers GET the job for it.
    expect(events[0].detail.job.consumers['a']).not.toHaveProperty('result');
    expect(events[0].detail.job.status).toBe('RUNNING');
  });

  it("adds the job's event when the write leaves every consumer finished, with stored results by reference", () => {
    const oneDone = written(running, completeTransition({ consumerId: 'a', claimToken: 'ta', placed: { result: 1 }, now }));
    const resultRef = { key: 'results/j/b/tb.json', bytes: 40_000, contentType: 'application/json' };
    const later = new Date(now.getTime() + 1000);
    const job = written(oneDone, completeTransition({ consumerId: 'b', claimToken: 'tb', placed: { resultRef }, now: later }));

    const events = jobEventsOf(job);

    expect(events.map((e) => [e.detailType, e.detail.eventId])).toEqual([
      [JOB_EVENT_TYPES.consumerFinished, `${job.id}/b/SUCCEEDED/${later.toISOString()}`],
      [JOB_EVENT_TYPES.jobFinished, `${job.id}/job/SUCCEEDED/${later.toISOString()}`],
    ]);
    expect(events[1].detail).not.toHaveProperty('consumerId');
    expect(events[1].detail.job.consumers['b'].resultRef).toEqual(resultRef);
    expect(events[1].detail.job.consumers['b'].resultBytes).toBe(40_000);
  });

  it('announces the job FAILED when the write that fails its last consumer leaves one SUCCEEDED and one FAILED', () => {
    const oneDone = written(running, completeTransition({ consumerId: 'a', claimToken: 'ta', placed: { result: 1 }, now }));
    const failed: Job = {
      ...oneDone,
      consumers: { ...oneDone.consumers, b: { ...oneDone.consumers['b'], status: 'FAILED', error: { code: 'X', message: 'x' } } },
      announce: { at: now.toISOString(), consumers: ['b'] },
    };
    expect(jobEventsOf(failed).map((e) => e.detail.eventId)).toEqual([
      `${failed.id}/b/FAILED/${now.toISOString()}`,
      `${failed.id}/job/FAILED/${now.toISOString()}`,
    ]);
  });

  it('announces every entry a cancel ends, and the cancelled job', () => {
    const job = written(running, cancelTransition({ now, by: alice }));
    expect(jobEventsOf(job).map((e) => [e.detailType, e.detail.consumerId, e.detail.status])).toEqual([
      [JOB_EVENT_TYPES.consumerFinished, 'a', 'CANCELLED'],
      [JOB_EVENT_TYPES.consumerFinished, 'b', 'CANCELLED'],
      [JOB_EVENT_TYPES.jobFinished, undefined, 'CANCELLED'],
    ]);
  });

  it('announces nothing for a write that ends nothing, and forgets what the write before announced', () => {
    const pending = aJob({ consumers: { a: anEntry({ status: 'PENDING' }), b: anEntry({ status: 'SUCCEEDED' }) } });
    const announced = { ...pending, announce: { at: now.toISOString(), consumers: ['b'] } };
    const claimed = written(announced, claimTransition({ consumerId: 'a', claimToken: 't', now, leaseExpiresAt: now.getTime() + 1000 }));
    expect(claimed.announce).toBeUndefined();
    expect(jobEventsOf(claimed)).toEqual([]);
  });
});
