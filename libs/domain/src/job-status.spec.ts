import { canTransition, deriveJobStatus, phaseOf } from './job-status';
import { aJob, anEntry } from '../testing';

describe('deriveJobStatus', () => {
  it('is PENDING while no consumer has started', () => {
    expect(deriveJobStatus(aJob())).toBe('PENDING');
  });

  it('is RUNNING while any consumer runs', () => {
    expect(deriveJobStatus(aJob({ consumers: { a: anEntry({ status: 'RUNNING', attempts: 1 }), b: anEntry() } }))).toBe('RUNNING');
  });

  it('is RUNNING while a released claim waits for its retry, so retrying is visible', () => {
    expect(deriveJobStatus(aJob({ consumers: { a: anEntry({ attempts: 1 }), b: anEntry() } }))).toBe('RUNNING');
  });

  it('is RUNNING when one consumer failed and the other is still working', () => {
    const job = aJob({ consumers: { a: anEntry({ status: 'FAILED' }), b: anEntry({ status: 'RUNNING', attempts: 1 }) } });
    expect(deriveJobStatus(job)).toBe('RUNNING');
  });

  it('is SUCCEEDED only when every consumer succeeded', () => {
    const half = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'RUNNING', attempts: 1 }) } });
    const all = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'SUCCEEDED' }) } });
    expect(deriveJobStatus(half)).toBe('RUNNING');
    expect(deriveJobStatus(all)).toBe('SUCCEEDED');
  });

  it('is FAILED when all finished and any failed', () => {
    const job = aJob({ consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'FAILED' }) } });
    expect(deriveJobStatus(job)).toBe('FAILED');
  });

  it('is CANCELLED once the job is cancelled, whatever the entries say', () => {
    const job = aJob({
      cancelledAt: '2026-01-01T00:00:01.000Z',
      consumers: { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'CANCELLED' }) },
    });
    expect(deriveJobStatus(job)).toBe('CANCELLED');
  });
});

describe('canTransition', () => {
  it('lets a claim run, release, finish or be cancelled', () => {
    expect(canTransition('PENDING', 'RUNNING')).toBe(true);
    expect(canTransition('RUNNING', 'PENDING')).toBe(true);
    expect(canTransition('RUNNING', 'SUCCEEDED')).toBe(true);
    expect(canTransition('PENDING', 'CANCELLED')).toBe(true);
  });

  it("never leaves a terminal status, but for a caller's retry of a FAILED entry back to PENDING", () => {
    for (const terminal of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      for (const next of ['PENDING', 'RUNNING', 'HANDED_OVER', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
        // Staying put is a write within the phase (the sweeper dropping a finished entry's deadline).
        const allowed = next === terminal || (terminal === 'FAILED' && next === 'PENDING');
        expect([terminal, next, canTransition(terminal, next)]).toEqual([terminal, next, allowed]);
      }
    }
  });

  it('does not jump from PENDING straight to SUCCEEDED', () => {
    expect(canTransition('PENDING', 'SUCCEEDED')).toBe(false);
  });
});

describe('the handed-over phase', () => {
  it('is a RUNNING entry under a claim without a lease: a run that handed its failure to the error handler', () => {
    expect(phaseOf(anEntry({ status: 'RUNNING', claimToken: 't1' }))).toBe('HANDED_OVER');
    expect(phaseOf(anEntry({ status: 'RUNNING', claimToken: 't1', leaseExpiresAt: 1 }))).toBe('RUNNING');
    expect(phaseOf(anEntry({ status: 'PENDING' }))).toBe('PENDING');
    expect(phaseOf(anEntry({ status: 'FAILED', claimToken: 't1' }))).toBe('FAILED');
  });

  it('ends only as FAILED (recorded) or CANCELLED, and no claim takes it back to RUNNING or PENDING', () => {
    expect(canTransition('RUNNING', 'HANDED_OVER')).toBe(true);
    expect(canTransition('HANDED_OVER', 'FAILED')).toBe(true);
    expect(canTransition('HANDED_OVER', 'CANCELLED')).toBe(true);
    expect(canTransition('HANDED_OVER', 'RUNNING')).toBe(false);
    expect(canTransition('HANDED_OVER', 'PENDING')).toBe(false);
    expect(canTransition('HANDED_OVER', 'SUCCEEDED')).toBe(false);
    expect(canTransition('PENDING', 'HANDED_OVER')).toBe(false);
  });
});
