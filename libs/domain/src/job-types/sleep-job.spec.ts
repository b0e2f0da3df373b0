import { PermanentJobError } from '../errors';
import { createSleepJobType } from './sleep-job';
import { FakeClock } from '../../testing';

describe('the sleep job', () => {
  const sleep = createSleepJobType({ maxSeconds: 300 });
  const context = (clock: FakeClock) => ({ jobId: 'j', consumerId: 'a', attempt: 1, clock, signal: new AbortController().signal });

  it('sleeps the given seconds and reports them', async () => {
    const clock = new FakeClock();
    await expect(sleep.run({ seconds: 2 }, context(clock))).resolves.toEqual({ sleptSeconds: 2 });
    expect(clock.sleeps).toEqual([2000]);
  });

  it('fails for good, without sleeping, above the maximum one run may take', async () => {
    const clock = new FakeClock();
    const run = sleep.run({ seconds: 301 }, context(clock));
    await expect(run).rejects.toBeInstanceOf(PermanentJobError);
    await expect(run).rejects.toMatchObject({ code: 'SLEEP_TOO_LONG' });
    expect(clock.sleeps).toEqual([]);
  });

  it('stops sleeping when its run loses the claim', async () => {
    const never = { now: () => new Date(), sleep: () => new Promise<void>(() => undefined) };
    const controller = new AbortController();
    const run = sleep.run({ seconds: 60 }, { jobId: 'j', consumerId: 'a', attempt: 1, clock: never, signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'RUN_ABORTED' });
  });
});
