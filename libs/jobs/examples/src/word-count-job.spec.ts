import { PermanentJobError, systemClock, validateAgainstSchema } from '@async-jobs/domain';
import { wordCountJob } from './word-count-job';

const context = {
  jobId: 'job',
  consumerId: 'a',
  attempt: 1,
  clock: systemClock,
  signal: new AbortController().signal,
  reportProgress: () => undefined,
};

describe('the word-count job', () => {
  it('counts the words of the message', async () => {
    await expect(wordCountJob.run({ message: 'hello async jobs' }, context)).resolves.toEqual({ words: 3 });
  });

  it('fails for good on a message without words', async () => {
    await expect(wordCountJob.run({ message: '   ' }, context)).rejects.toBeInstanceOf(PermanentJobError);
  });

  it('accepts only a message of 1 to 1000 characters', () => {
    expect(validateAgainstSchema(wordCountJob.inputSchema, { message: 'hi' })).toEqual([]);
    expect(validateAgainstSchema(wordCountJob.inputSchema, { message: '' })).toEqual([
      expect.objectContaining({ field: '/message', code: 'OUT_OF_RANGE' }),
    ]);
    expect(validateAgainstSchema(wordCountJob.inputSchema, { text: 'hi' })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: '/text', code: 'UNEXPECTED_FIELD' })]),
    );
  });
});
