/** A JSON Schema as plain JSON (a TypeBox schema's symbol keys dropped). */
type JsonSchema = { readonly [keyword: string]: unknown };

/** A schema to declare as a named TypeScript type. */
export interface NamedSchema {
  name: string;
  schema: object;
}

// Keywords that narrow a value without changing its TypeScript type: checked by the server, not the compiler.
const VALUE_CONSTRAINTS = new Set([
  'description',
  'title',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'default',
  'example',
]);
const SHAPE_KEYWORDS = new Set(['type', 'enum', 'properties', 'required', 'additionalProperties', 'items']);

const INDENT = '  ';

/**
 * TypeScript declarations for the JSON Schema subset the API's views use: objects (required and
 * optional properties; maps via `additionalProperties`), string enums, strings, integers and numbers,
 * booleans, arrays, and `{}` as `unknown`. Descriptions become JSDoc. A subschema equal to a declared
 * one (its description aside) is written as that type's name. Any other keyword throws, so that the
 * types never silently say less than the schema.
 *
 * @example
 * emitTypeDeclarations([{ name: 'Point', schema: Type.Object({ x: Type.Number() }) }]);
 * // 'export interface Point {\n  x: number;\n}\n'
 */
export function emitTypeDeclarations(declarations: readonly NamedSchema[]): string {
  const named = declarations.map(({ name, schema }) => ({ name, schema: asJson(schema) }));
  const emitter = new DeclarationEmitter(new Map(named.map((declared) => [shapeKey(declared.schema), declared])));
  return named.map(({ name, schema }) => emitter.declaration(name, schema)).join('\n');
}

class DeclarationEmitter {
  /** The declared schemas by shape. */
  constructor(private readonly declared: ReadonlyMap<string, { name: string; schema: JsonSchema }>) {}

  declaration(name: string, schema: JsonSchema): string {
    const doc = jsDoc(schema['description'], '');
    if (schema['type'] === 'object' && hasProperties(schema)) {
      return `${doc}export interface ${name} ${this.objectType(schema, name, '')}\n`;
    }
    return `${doc}export type ${name} = ${this.typeOf(schema, name, '', true)};\n`;
  }

  private typeOf(schema: JsonSchema, path: string, indent: string, isDeclaration = false): string {
    const declared = isDeclaration ? undefined : this.declared.get(shapeKey(schema));
    if (declared) return declared.name;
    for (const keyword of Object.keys(schema)) {
      if (!VALUE_CONSTRAINTS.has(keyword) && !SHAPE_KEYWORDS.has(keyword)) throw unsupported(path, `the keyword "${keyword}"`);
    }
    const type = schema['type'];
    if (schema['enum'] !== undefined) return stringEnum(schema, path);
    switch (type) {
      case undefined:
        if (Object.keys(schema).some((keyword) => SHAPE_KEYWORDS.has(keyword))) throw unsupported(path, 'a shape without a type');
        return 'unknown';
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const items = this.typeOf(asJson(schema['items'] ?? {}), `${path}[]`, indent);
        return /^[\w<>, ]+$/.test(items) ? `${items}[]` : `(${items})[]`;
      }
      case 'object':
        return this.objectType(schema, path, indent);
      default:
        throw unsupported(path, `type ${JSON.stringify(type)}`);
    }
  }

  private objectType(schema: JsonSchema, path: string, indent: string): string {
    const additional = schema['additionalProperties'];
    if (!hasProperties(schema)) {
      if (additional === false) return 'Record<string, never>';
      if (additional === undefined || additional === true) return 'Record<string, unknown>';
      return `Record<string, ${this.typeOf(asJson(additional), `${path}{*}`, indent)}>`;
    }
    // Known properties plus typed others would need an index signature every property fits; no view needs it.
    if (typeof additional === 'object') throw unsupported(path, 'properties together with an additionalProperties schema');
    const properties = schema['properties'] as Record<string, JsonSchema>;
    const required = new Set((schema['required'] as string[] | undefined) ?? []);
    for (const key of required) if (!(key in properties)) throw new Error(`${path}: "${key}" is required but not a property`);
    const inner = indent + INDENT;
    // An open object (no additionalProperties: false) is typed by its named properties alone, as TypeScript's object types are.
    const members = Object.entries(properties).map(([key, property]) => {
      const doc = jsDoc(this.ownDescription(property), inner);
      const optional = required.has(key) ? '' : '?';
      return `${doc}${inner}${propertyName(key)}${optional}: ${this.typeOf(asJson(property), `${path}.${key}`, inner)};`;
    });
    return `{\n${members.join('\n')}\n${indent}}`;
  }

  /** A property's description, unless it is only its declared type's own (already on that declaration). */
  private ownDescription(property: JsonSchema): unknown {
    const declared = this.declared.get(shapeKey(property));
    return declared && property['description'] === declared.schema['description'] ? undefined : property['description'];
  }
}

function stringEnum(schema: JsonSchema, path: string): string {
  const values = schema['enum'];
  if (schema['type'] !== 'string' || !Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
    throw unsupported(path, 'an enum that is not of strings');
  }
  return values.map(stringLiteral).join(' | ');
}

function hasProperties(schema: JsonSchema): boolean {
  return typeof schema['properties'] === 'object' && schema['properties'] !== null && Object.keys(schema['properties']).length > 0;
}

/** Identifies a schema by its shape: equal schemas (in any key order) get one name, whatever their description. */
function shapeKey(schema: JsonSchema): string {
  const { description: _description, ...shape } = schema;
  return JSON.stringify(sorted(shape));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
  );
}

function asJson(schema: unknown): JsonSchema {
  if (typeof schema === 'boolean') return schema ? {} : { not: {} };
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function jsDoc(description: unknown, indent: string): string {
  if (typeof description !== 'string' || description === '') return '';
  const lines = description.replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

function propertyName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : stringLiteral(key);
}

function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function unsupported(path: string, what: string): Error {
  return new Error(`${path}: ${what} has no TypeScript form in this emitter; extend it, or keep the schema to its subset`);
}
