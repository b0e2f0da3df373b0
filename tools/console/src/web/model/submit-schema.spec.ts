import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldValue, submittableTypes } from './submit-schema';

// The committed OpenAPI document (checked against the API's own by the jobs-api specs): the form reads what the API serves.
const openapi = JSON.parse(readFileSync(join(__dirname, '../../../../../docs/openapi.json'), 'utf8'));

describe('the submit form read from the OpenAPI document', () => {
  it("offers every typed branch of the submit schema, each with its input's fields, kinds, bounds and descriptions", () => {
    const types = submittableTypes(openapi);
    expect(types.map((t) => t.name)).toEqual(['flaky', 'noop', 'sample-export', 'sleep', 'word-count']);
    expect(types.find((t) => t.name === 'sleep')?.fields).toEqual([
      {
        name: 'seconds',
        kind: 'integer',
        required: true,
        minimum: 1,
        maximum: 3600,
        description: 'How long the job works, in whole seconds.',
      },
    ]);
    expect(types.find((t) => t.name === 'noop')?.fields).toEqual([]);
    expect(types.find((t) => t.name === 'word-count')?.fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['message', 'string', true],
    ]);
  });

  it('draws enums as choices and anything else (objects, arrays) as JSON', () => {
    const [type] = submittableTypes({
      components: {
        schemas: {
          SubmitJobRequest: {
            anyOf: [
              {
                properties: {
                  type: { enum: ['t'] },
                  input: {
                    required: ['mode'],
                    properties: { mode: { type: 'string', enum: ['fast', 'slow'] }, options: { type: 'object' }, on: { type: 'boolean' } },
                  },
                },
              },
            ],
          },
        },
      },
    });
    expect(type.fields.map((f) => [f.name, f.kind, f.required, f.choices])).toEqual([
      ['mode', 'choice', true, ['fast', 'slow']],
      ['options', 'json', false, undefined],
      ['on', 'boolean', false, undefined],
    ]);
  });

  it('sends numbers as numbers, and what does not read as one as text, for the API to name; leaves empty fields out', () => {
    const integer = { name: 'n', kind: 'integer', required: true } as const;
    expect(fieldValue(integer, '42')).toBe(42);
    expect(fieldValue(integer, ' 1.5 ')).toBe(1.5);
    expect(fieldValue(integer, 'ten')).toBe('ten');
    expect(fieldValue(integer, '  ')).toBeUndefined();
    expect(fieldValue({ name: 's', kind: 'string', required: false }, ' keep spaces ')).toBe(' keep spaces ');
    expect(fieldValue({ name: 'b', kind: 'boolean', required: false }, false)).toBe(false);
    expect(fieldValue({ name: 'j', kind: 'json', required: false }, '{"a":[1]}')).toEqual({ a: [1] });
    expect(() => fieldValue({ name: 'j', kind: 'json', required: false }, '{a')).toThrow(SyntaxError);
  });
});
