import { CorruptJobError } from '@async-jobs/domain';
import { aSubmittedJob, anInsertRecord } from '@async-jobs/testing';
import { jobFromStreamRecord, jobIdOfStreamRecord } from './stream-record-job';

describe('reading jobs from stream records', () => {
  it('unmarshals the new image into the job that was written', () => {
    const job = aSubmittedJob({ input: { seconds: 3 } });
    expect(jobFromStreamRecord(anInsertRecord(job))).toEqual(job);
  });

  it('reads empty maps that the Streams SDK client returned as {} (a job with no input)', () => {
    const job = aSubmittedJob({ type: 'noop', input: {} });
    const record = anInsertRecord(job);
    const image = record.dynamodb?.NewImage as Record<string, unknown>;
    image['input'] = {}; // what GetRecords hands back for {"M": {}}
    (image['consumers'] as { M: Record<string, { M: Record<string, unknown> }> }).M['a'].M['nested'] = { L: [{}] };
    const read = jobFromStreamRecord(record);
    expect(read.input).toEqual({});
    expect((read.consumers['a'] as unknown as { nested: unknown }).nested).toEqual([{}]);
  });

  it('refuses records that are not jobs, naming what is wrong, while the id stays readable', () => {
    const job = aSubmittedJob();
    const noImage = anInsertRecord(job, { dynamodb: { Keys: anInsertRecord(job).dynamodb?.Keys } });
    expect(() => jobFromStreamRecord(noImage)).toThrow(/no new image/);
    expect(jobIdOfStreamRecord(noImage)).toBe(job.id);

    const badEntry = anInsertRecord({ ...job, consumers: { a: { status: 'EXPLODED' } } } as never);
    expect(() => jobFromStreamRecord(badEntry)).toThrow(CorruptJobError);
    expect(() => jobFromStreamRecord(badEntry)).toThrow(/consumer a is malformed/);

    const noVersion = anInsertRecord({ ...job, version: 'one' } as never);
    expect(() => jobFromStreamRecord(noVersion)).toThrow(/version is not a number/);
  });
});
