import { UnknownJobTypeError, ValidationError } from '../errors';
import { builtInJobTypes } from '../job-types/built-in-job-types';
import { parseSubmitJobRequest } from './submit-job-request';
import { submitJobRequestModel } from './submit-job-request-model';

const registry = builtInJobTypes({ sleepMaxSeconds: 300 });

function fieldsOf(body: unknown) {
  try {
    parseSubmitJobRequest(body, registry);
  } catch (error) {
    if (error instanceof ValidationError) return error.details.map((d) => `${d.field}:${d.code}`);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseSubmitJobRequest', () => {
  it("accepts the reference sample's body as a sleep job", () => {
    expect(parseSubmitJobRequest({ seconds: 5 }, registry)).toEqual({ type: 'sleep', input: { seconds: 5 } });
  });

  it('accepts the noop job, which takes no input', () => {
    expect(parseSubmitJobRequest({ type: 'noop', input: {} }, registry)).toEqual({ type: 'noop', input: {} });
    expect(() => parseSubmitJobRequest({ type: 'noop', input: { x: 1 } }, registry)).toThrow(ValidationError);
  });

  it('accepts the general form', () => {
    expect(parseSubmitJobRequest({ type: 'sleep', input: { seconds: 2 } }, registry)).toEqual({ type: 'sleep', input: { seconds: 2 } });
  });

  it('accepts seconds above the processor limit: that job fails when it runs, as the reference does', () => {
    expect(parseSubmitJobRequest({ seconds: 301 }, registry).input).toEqual({ seconds: 301 });
  });

  it.each([
    [{}, ['/seconds:MISSING_FIELD']],
    [{ seconds: 0 }, ['/seconds:OUT_OF_RANGE']],
    [{ seconds: -1 }, ['/seconds:OUT_OF_RANGE']],
    [{ seconds: 1.5 }, ['/seconds:INVALID_TYPE']],
    [{ seconds: '5' }, ['/seconds:INVALID_TYPE']],
    [{ seconds: 1e308 }, ['/seconds:OUT_OF_RANGE']],
    [{ seconds: 1, extra: true }, ['/extra:UNEXPECTED_FIELD']],
    [[], [':INVALID_TYPE']],
    [null, [':INVALID_TYPE']],
    [42, [':INVALID_TYPE']],
    [{ type: 'sleep' }, ['/input:MISSING_FIELD']],
    [{ type: 'sleep', input: { seconds: 0 } }, ['/input/seconds:OUT_OF_RANGE']],
    [{ type: 'sleep', input: [] }, ['/input:INVALID_TYPE']],
    [{ type: 'Sleep!', input: {} }, ['/type:INVALID_FORMAT']],
    [{ type: 'sleep', input: { seconds: 1 }, seconds: 1 }, ['/seconds:UNEXPECTED_FIELD']],
  ])('refuses %j naming the offending field', (body, fields) => {
    expect(fieldsOf(body)).toEqual(fields);
  });

  it('refuses an unknown job type, listing the known ones', () => {
    expect(() => parseSubmitJobRequest({ type: 'resize-image', input: {} }, registry)).toThrow(UnknownJobTypeError);
    expect(() => parseSubmitJobRequest({ type: 'resize-image', input: {} }, registry)).toThrow(
      /known types: flaky, noop, sample-export, sleep/,
    );
  });
});

describe('submitJobRequestModel', () => {
  const model = submitJobRequestModel(registry);

  it('is a draft-04 document API Gateway accepts', () => {
    expect(model.$schema).toBe('http://json-schema.org/draft-04/schema#');
    const text = JSON.stringify(model);
    for (const laterKeyword of ['"const"', '"$id"', '"exclusiveMinimum":', '"examples"']) expect(text).not.toContain(laterKeyword);
  });

  it('comes from the job types: the legacy body and one envelope per type', () => {
    expect(model.anyOf).toEqual([
      {
        type: 'object',
        additionalProperties: false,
        required: ['seconds'],
        properties: { seconds: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 3600 }) },
      },
      expect.objectContaining({
        required: ['type', 'input'],
        properties: { type: expect.objectContaining({ enum: ['flaky'] }), input: expect.objectContaining({ required: ['failures'] }) },
      }),
      expect.objectContaining({
        required: ['type', 'input'],
        properties: { type: expect.objectContaining({ enum: ['noop'] }), input: expect.objectContaining({ additionalProperties: false }) },
      }),
      expect.objectContaining({
        required: ['type', 'input'],
        properties: {
          type: expect.objectContaining({ enum: ['sample-export'] }),
          input: expect.objectContaining({ required: ['kilobytes'] }),
        },
      }),
      expect.objectContaining({
        required: ['type', 'input'],
        properties: { type: expect.objectContaining({ enum: ['sleep'] }), input: expect.objectContaining({ required: ['seconds'] }) },
      }),
    ]);
  });
});
