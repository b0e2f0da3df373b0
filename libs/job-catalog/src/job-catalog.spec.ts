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
    const registry = jobCatalog({ sleepMaxSeconds: 300 });
    expect(registry.names()).toEqual(expect.arrayContaining(['noop', 'sleep']));
    for (const [type] of Object.entries(jobTypeOwners())) expect(registry.names()).toContain(type);
  });

  it('adds team types and names the team when one clashes', () => {
    expect(jobCatalog({ sleepMaxSeconds: 300 }, { media: [resize] }).names()).toContain('resize-image');
    expect(jobTypeOwners({ media: [resize] })).toEqual({ 'resize-image': 'media' });
    expect(() => jobCatalog({ sleepMaxSeconds: 300 }, { media: [resize], other: [resize] })).toThrow(/Team other: .*registered twice/);
  });
});
