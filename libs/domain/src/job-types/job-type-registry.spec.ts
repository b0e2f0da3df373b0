import { Type } from '@sinclair/typebox';
import { defineJobType, type JobType } from './job-type';
import { JobTypeRegistry } from './job-type-registry';

const aType = (name: string, seconds: number): JobType =>
  defineJobType({
    name,
    description: name,
    inputSchema: Type.Object({}),
    maxAttempts: 1,
    runLimit: { seconds, onTimeout: 'fail' },
    run: async () => null,
  }) as unknown as JobType;

describe('JobTypeRegistry', () => {
  it('names the type whose run may last longest, which sizes the processor', () => {
    expect(new JobTypeRegistry([aType('quick', 5), aType('report', 600), aType('resize', 60)]).longestRun()).toEqual({
      jobType: 'report',
      seconds: 600,
    });
  });

  it('refuses a type without a run limit in whole seconds', () => {
    expect(() => new JobTypeRegistry([aType('forever', 0)])).toThrow(/"forever" must declare its run limit/);
    expect(() => new JobTypeRegistry([{ ...aType('unbounded', 1), runLimit: undefined } as unknown as JobType])).toThrow(
      /"unbounded" must declare its run limit/,
    );
  });
});
