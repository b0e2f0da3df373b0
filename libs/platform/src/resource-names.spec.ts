import { consumerFunctionName, consumerOfFunction, resourceName } from './resource-names';

describe('resource names', () => {
  it('names every resource after the service, environment and purpose', () => {
    expect(resourceName('dev', 'jobs')).toBe('async-jobs-dev-jobs');
    expect(consumerFunctionName('prod', 'a')).toBe('async-jobs-prod-processor-a');
  });

  it('refuses parts that would make an invalid or ambiguous name', () => {
    expect(() => resourceName('Dev', 'jobs')).toThrow(/environment/);
    expect(() => resourceName('dev', 'jobs table')).toThrow(/resource/);
  });

  it('finds the consumer from a qualified function ARN, a bare ARN or a name', () => {
    const consumers = ['a', 'b'];
    expect(consumerOfFunction('dev', consumers, 'arn:aws:lambda:eu-west-1:123456789012:function:async-jobs-dev-processor-b:live')).toBe(
      'b',
    );
    expect(consumerOfFunction('dev', consumers, 'arn:aws:lambda:eu-west-1:123456789012:function:async-jobs-dev-processor-a')).toBe('a');
    expect(consumerOfFunction('dev', consumers, 'async-jobs-dev-processor-a')).toBe('a');
    expect(
      consumerOfFunction('dev', consumers, 'arn:aws:lambda:eu-west-1:123456789012:function:async-jobs-prod-processor-a'),
    ).toBeUndefined();
  });
});
