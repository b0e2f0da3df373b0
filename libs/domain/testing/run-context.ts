import { systemClock, type JobRunContext } from '../src';

/** A run's context for calling a job type directly (as the source of an expected result): no lease, no reports kept. */
export function aRunContext(overrides: Partial<JobRunContext> = {}): JobRunContext {
  return {
    jobId: 'direct-run',
    consumerId: 'a',
    attempt: 1,
    clock: systemClock,
    signal: new AbortController().signal,
    reportProgress: () => undefined,
    ...overrides,
  };
}
