import { Type } from '@sinclair/typebox';
import { defineJobType } from '@async-jobs/domain';
import { jobCatalog, jobTypeOwners } from './job-catalog';

const resize = defineJobType({
  name: 'resize-image',
  description: 'x',
  inputSchema: Type.Object({}),
  maxAttempts: 1,
  runLimit: { seconds: 60, onTimeout: 'retry' },
  run: async () => null,
});

describe('jobCatalog', () => {
  it('serves the built-in types and every team library listed in teams.ts', () => {
    // Named here rather than read back from teams.ts, so that a lost team line fails. Containing, not equal:
    // the job-type generator adds types without touching this test.
    expect(jobCatalog({ sleepMaxSeconds: 300 }).names()).toEqual(expect.arrayContaining(['flaky', 'noop', 'sleep', 'word-count']));
    expect(jobTypeOwners()).toMatchObject({ 'word-count': 'examples' });
  });

  it('adds team types and names the team when one clashes', () => {
    expect(jobCatalog({ sleepMaxSeconds: 300 }, { media: [resize] }).names()).toContain('resize-image');
    expect(jobTypeOwners({ media: [resize] })).toEqual({ 'resize-image': 'media' });
    expect(() => jobCatalog({ sleepMaxSeconds: 300 }, { media: [resize], other: [resize] })).toThrow(/Team other: .*registered twice/);
  });
});
