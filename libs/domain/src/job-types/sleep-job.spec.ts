import { PermanentJobError } from '../errors';
import { createSleepJobType } from './sleep-job';
import { FakeClock } from '../../testing';

describe('the sleep job', () => {
  const sleep = createSleepJobType({ maxSeconds: 300 });
  const context = (clock: FakeClock, reports: unknown[] = []) => ({
    jobId: 'j',
    consumerId: 'a',
    attempt: 1,
    clock,
    signal: new AbortController().signal,
    reportProgress: (progress: unknown) => void reports.push(progress),
  });

  it('sleeps the given seconds and reports them', async () => {
    const clock = new FakeClock();
    await expect(sleep.run({ seconds: 2 }, context(clock))).resolves.toEqual({ sleptSeconds: 2 });
    expect(clock.sleeps).toEqual([2000]);
  });

  it('reports how far it has slept, every second, from where it starts', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const clock = new FakeClock();
      let wake: () => void = () => undefined;
      const slow = Object.assign(clock, { sleep: () => new Promise<void>((resolve) => (wake = resolve)) });
      const reports: unknown[] = [];
      const run = sleep.run({ seconds: 4 }, context(slow, reports));
      for (const ms of [1000, 1000, 1000]) {
        clock.advance(ms);
        jest.advanceTimersByTime(ms);
      }
      wake();
      await run;
      expect(reports).toEqual([
        { percent: 0, message: 'slept 0 of 4 s' },
        { percent: 25, message: 'slept 1 of 4 s' },
        { percent: 50, message: 'slept 2 of 4 s' },
        { percent: 75, message: 'slept 3 of 4 s' },
      ]);
    } finally {
      jest.useRealTimers();
    }
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
    const run = sleep.run({ seconds: 60 }, { ...context(new FakeClock()), clock: never, signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: 'RUN_ABORTED' });
  });
});
