import { builtInJobTypes, submitJobRequestModel } from '@async-jobs/domain';
import { RequestModelValidator } from './request-model-validator';

describe('RequestModelValidator (API Gateway model, draft-04)', () => {
  const validator = new RequestModelValidator(submitJobRequestModel(builtInJobTypes({ sleepMaxSeconds: 300 })));

  it('accepts both request forms', () => {
    expect(validator.check({ seconds: 5 })).toEqual([]);
    expect(validator.check({ type: 'sleep', input: { seconds: 5 } })).toEqual([]);
  });

  it.each([
    [{}, '/seconds', 'MISSING_FIELD'],
    [{ seconds: 0 }, '/seconds', 'OUT_OF_RANGE'],
    [{ seconds: '5' }, '/seconds', 'INVALID_TYPE'],
    [{ seconds: 1, x: 1 }, '/x', 'UNEXPECTED_FIELD'],
    [{ type: 'sleep', input: { seconds: 1.5 } }, '/input/seconds', 'INVALID_TYPE'],
    [{ type: 'nope', input: {} }, '/type', 'INVALID_VALUE'],
  ])('names the offending field of %j', (body, field, code) => {
    expect(validator.check(body)).toContainEqual(expect.objectContaining({ field, code }));
  });
});
