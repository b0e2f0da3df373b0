import { systemClock } from '../ports/clock';
import { flakyJobType } from './flaky-job';

const context = (attempt: number) => ({
  jobId: 'j',
  consumerId: 'a',
  attempt,
  clock: systemClock,
  signal: new AbortController().signal,
  reportProgress: () => undefined,
});

describe('the flaky job', () => {
  it('fails its first attempts with an ordinary (retryable) error, then succeeds', async () => {
    await expect(flakyJobType.run({ failures: 2 }, context(1))).rejects.toThrow('attempt 1 fails on purpose');
    await expect(flakyJobType.run({ failures: 2 }, context(2))).rejects.toThrow('attempt 2 fails on purpose');
    await expect(flakyJobType.run({ failures: 2 }, context(3))).resolves.toEqual({ attempts: 3 });
  });
});
