import { Type } from '@sinclair/typebox';
import { defineJobType, PermanentJobError } from '@async-jobs/domain';

/** The input of `word-count`: the one source for the API model, validation, OpenAPI and the client type. */
export const wordCountInputSchema = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 1000, description: 'What to work on.' }),
  },
  { additionalProperties: false, title: 'WordCountInput' },
);

/**
 * word-count, owned by the examples team. Replace the example work below with yours: throw
 * PermanentJobError for failures retrying cannot fix; anything else thrown is retried up to
 * maxAttempts, then reported FAILED. A run is stopped at runLimit (its signal fires): set it to the
 * longest your work may take.
 */
export const wordCountJob = defineJobType({
  name: 'word-count',
  description: 'An example job of the examples team: counts the words of a message.',
  inputSchema: wordCountInputSchema,
  maxAttempts: 3,
  runLimit: { seconds: 30, onTimeout: 'retry' },
  async run({ message }) {
    if (message.trim() === '') throw new PermanentJobError('EMPTY_MESSAGE', 'The message has no words');
    return { words: message.trim().split(/\s+/).length };
  },
});
