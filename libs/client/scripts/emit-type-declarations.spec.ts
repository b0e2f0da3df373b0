import { Type } from '@sinclair/typebox';
import { emitTypeDeclarations } from './emit-type-declarations';

describe('emitTypeDeclarations', () => {
  it('writes required and optional properties, enums, numbers, maps, arrays and unknown, with descriptions as JSDoc', () => {
    const schema = Type.Object(
      {
        name: Type.String({ description: 'Who it is.' }),
        kind: Type.Unsafe({ type: 'string', enum: ['a', "it's"] }),
        count: Type.Optional(Type.Integer({ minimum: 0 })),
        ratio: Type.Number(),
        done: Type.Boolean(),
        tags: Type.Array(Type.String()),
        labels: Type.Unsafe({ type: 'object', additionalProperties: { type: 'string' } }),
        extra: Type.Unsafe({ type: 'object' }),
        anything: Type.Unknown(),
        'x-trace': Type.Optional(Type.String()),
      },
      { description: 'A thing.' },
    );

    expect(emitTypeDeclarations([{ name: 'Thing', schema }])).toBe(
      [
        '/** A thing. */',
        'export interface Thing {',
        '  /** Who it is. */',
        '  name: string;',
        "  kind: 'a' | 'it\\'s';",
        '  count?: number;',
        '  ratio: number;',
        '  done: boolean;',
        '  tags: string[];',
        '  labels: Record<string, string>;',
        '  extra: Record<string, unknown>;',
        '  anything: unknown;',
        "  'x-trace'?: string;",
        '}',
        '',
      ].join('\n'),
    );
  });

  it('names a declared schema wherever its shape appears, keeping a property description of its own', () => {
    const Reason = Type.Object({ code: Type.String() }, { description: 'Why.' });
    const Run = Type.Object({
      error: Type.Optional(Reason),
      lastError: Type.Optional({ ...Reason, description: 'The last one.' }),
      errors: Type.Array(Reason),
    });

    expect(
      emitTypeDeclarations([
        { name: 'Reason', schema: Reason },
        { name: 'Run', schema: Run },
      ]),
    ).toContain(
      ['export interface Run {', '  error?: Reason;', '  /** The last one. */', '  lastError?: Reason;', '  errors: Reason[];'].join('\n'),
    );
  });

  it.each([
    ['a union', Type.Union([Type.String(), Type.Number()])],
    ['a literal', Type.Literal('x')],
    ['a pattern-keyed record', Type.Record(Type.String(), Type.String())],
    ['a nullable type', Type.Unsafe({ type: ['string', 'null'] })],
  ])('refuses %s rather than typing it loosely', (_what, schema) => {
    expect(() => emitTypeDeclarations([{ name: 'Odd', schema }])).toThrow(/has no TypeScript form/);
  });
});
