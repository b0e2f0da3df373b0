import { Type } from '@sinclair/typebox';
import { PermanentJobError } from '../errors';
import { defineJobType } from './job-type';

/** The largest `seconds` the API accepts at all; beyond the processor's limit the job fails, as the reference's does. */
export const SLEEP_SECONDS_CEILING = 3600;

/**
 * The longest sleep run inline, in the stream's batch: a job this short holds the jobs behind it in its
 * shard no longer than a delivery takes anyway; a longer one goes to the runner.
 */
export const SLEEP_INLINE_MAX_SECONDS = 2;

/** What a sleep's run limit allows beyond the sleep itself. */
const SLEEP_RUN_MARGIN_SECONDS = 5;

export const sleepInputSchema = Type.Object(
  {
    seconds: Type.Integer({
      minimum: 1,
      maximum: SLEEP_SECONDS_CEILING,
      description: 'How long the job works, in whole seconds.',
    }),
  },
  { additionalProperties: false, title: 'SleepJobInput' },
);

/**
 * The reference product's built-in job: it sleeps `seconds`, and fails for good when that exceeds
 * what one processor run may take (`maxSeconds`, the processor's timeout in the reference).
 */
export function createSleepJobType(options: { maxSeconds: number }) {
  return defineJobType({
    name: 'sleep',
    description: 'Sleeps for the given number of seconds and reports how long it slept.',
    inputSchema: sleepInputSchema,
    maxAttempts: 3,
    // Room for the longest allowed sleep; a sleep that overran would overrun again.
    runLimit: { seconds: options.maxSeconds + SLEEP_RUN_MARGIN_SECONDS, onTimeout: 'fail' },
    execution: { byInput: ({ seconds }) => (seconds <= SLEEP_INLINE_MAX_SECONDS ? 'inline' : 'runner') },
    async run({ seconds }, { clock, signal, reportProgress }) {
      if (seconds > options.maxSeconds) {
        throw new PermanentJobError(
          'SLEEP_TOO_LONG',
          `A sleep of ${seconds}s exceeds the maximum of ${options.maxSeconds}s that one run may take`,
        );
      }
      // It says how far it has slept, every second: only the latest report is stored, with the next lease renewal.
      const started = clock.now().getTime();
      const report = () => {
        const slept = Math.min(seconds, Math.floor((clock.now().getTime() - started) / 1000));
        reportProgress({ percent: (100 * slept) / seconds, message: `slept ${slept} of ${seconds} s` });
      };
      report();
      const ticker = setInterval(report, 1000);
      try {
        // A run that lost its claim stops sleeping: its result would be discarded anyway.
        await Promise.race([clock.sleep(seconds * 1000), abortion(signal)]);
      } finally {
        clearInterval(ticker);
      }
      return { sleptSeconds: seconds };
    },
  });
}

/** Settles (rejects) when the signal aborts; never settles otherwise. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new PermanentJobError('RUN_ABORTED', 'the run was stopped'));
    signal.addEventListener('abort', () => reject(new PermanentJobError('RUN_ABORTED', 'the run was stopped')), { once: true });
  });
}
