import { Type } from '@sinclair/typebox';
import { defineJobType } from './job-type';

export const noopInputSchema = Type.Object({}, { additionalProperties: false, title: 'NoopJobInput' });

/** Does nothing and succeeds: for smoke tests and for measuring the pipeline without the work. */
export const noopJobType = defineJobType({
  name: 'noop',
  description: 'Does nothing and succeeds at once.',
  inputSchema: noopInputSchema,
  maxAttempts: 3,
  runLimit: { seconds: 10, onTimeout: 'retry' },
  run: async () => ({ done: true }),
});
