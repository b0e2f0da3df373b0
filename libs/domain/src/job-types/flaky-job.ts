import { Type } from '@sinclair/typebox';
import { defineJobType } from './job-type';

export const flakyInputSchema = Type.Object(
  {
    failures: Type.Integer({ minimum: 0, maximum: 5, description: 'How many of its first attempts fail, with an error worth retrying.' }),
  },
  { additionalProperties: false, title: 'FlakyJobInput' },
);

/**
 * Fails its first `failures` attempts with a retryable error, then succeeds: to see retries (and,
 * with `failures` of 3 or more, ATTEMPTS_EXHAUSTED) without writing a job type.
 */
export const flakyJobType = defineJobType({
  name: 'flaky',
  description: 'Fails its first `failures` attempts with a retryable error, then succeeds.',
  inputSchema: flakyInputSchema,
  maxAttempts: 3,
  runLimit: { seconds: 10, onTimeout: 'retry' },
  async run({ failures }, { attempt }) {
    if (attempt <= failures) throw new Error(`attempt ${attempt} fails on purpose (the first ${failures} do)`);
    return { attempts: attempt };
  },
});
