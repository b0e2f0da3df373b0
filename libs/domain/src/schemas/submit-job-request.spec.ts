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

  it('comes from the job types: the legacy body and one envelope per type, each with the optional notify', () => {
    expect(model.anyOf).toEqual([
      {
        type: 'object',
        additionalProperties: false,
        required: ['seconds'],
        properties: { seconds: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 3600 }) },
      },
      ...[
        ['flaky', { required: ['failures'] }],
        ['noop', { additionalProperties: false }],
        ['sample-export', { required: ['kilobytes'] }],
        ['sleep', { required: ['seconds'] }],
      ].map(([name, input]) =>
        expect.objectContaining({
          required: ['type', 'input'],
          additionalProperties: false,
          properties: {
            type: expect.objectContaining({ enum: [name] }),
            input: expect.objectContaining(input),
            notify: expect.objectContaining({ required: ['url'], additionalProperties: false }),
          },
        }),
      ),
    ]);
  });
});

describe('a submit with notify', () => {
  const registry = builtInJobTypes({ sleepMaxSeconds: 300 });
  const policy = { allowedHosts: ['hooks.example.com'], allowLoopbackHttp: false };

  it('keeps an allowed URL with the request', () => {
    expect(parseSubmitJobRequest({ type: 'noop', input: {}, notify: { url: 'https://hooks.example.com/j' } }, registry, policy)).toEqual({
      type: 'noop',
      input: {},
      notify: { url: 'https://hooks.example.com/j' },
    });
  });

  it.each([
    [{ url: 'http://hooks.example.com/j' }, 'INVALID_FORMAT'],
    [{ url: 'https://elsewhere.example.com/j' }, 'INVALID_VALUE'],
    [{ url: `https://hooks.example.com/${'x'.repeat(2048)}` }, expect.any(String)],
    [{ url: 'https://hooks.example.com/j', secret: 'x' }, 'UNEXPECTED_FIELD'],
  ])('refuses %p with a 400 naming the field', (notify, code) => {
    expect(() => parseSubmitJobRequest({ type: 'noop', input: {}, notify }, registry, policy)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: expect.stringMatching(/^\/notify/), code })],
      }),
    );
  });

  it('refuses any notify where the environment allows no webhooks', () => {
    expect(() => parseSubmitJobRequest({ type: 'noop', input: {}, notify: { url: 'https://hooks.example.com/j' } }, registry)).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ message: expect.stringContaining('accepts no webhooks') })] }),
    );
  });
});
