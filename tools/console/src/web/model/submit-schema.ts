/** A field of a job type's input, as the submit form draws it. */
export interface InputField {
  name: string;
  kind: 'integer' | 'number' | 'string' | 'boolean' | 'choice' | 'json';
  required: boolean;
  description?: string;
  minimum?: number;
  maximum?: number;
  choices?: string[];
}

export interface SubmittableType {
  name: string;
  fields: InputField[];
}

interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  description?: string;
  minimum?: number;
  maximum?: number;
}

/**
 * Each job type the API takes, with its input's fields, from the OpenAPI document's submit schema: one `anyOf` branch
 * per type, its `type` an enum of one name (the untyped `{seconds}` shorthand is left out: the form submits typed).
 */
export function submittableTypes(openapi: unknown): SubmittableType[] {
  const schemas = (openapi as { components?: { schemas?: Record<string, Schema> } }).components?.schemas ?? {};
  const branches = schemas['SubmitJobRequest']?.anyOf ?? [];
  const types: SubmittableType[] = [];
  for (const branch of branches) {
    const name = branch.properties?.['type']?.enum?.[0];
    if (typeof name !== 'string') continue;
    const input = branch.properties?.['input'] ?? {};
    const required = input.required ?? [];
    types.push({
      name,
      fields: Object.entries(input.properties ?? {}).map(([field, schema]) => inputField(field, schema, required.includes(field))),
    });
  }
  return types.sort((a, b) => a.name.localeCompare(b.name));
}

function inputField(name: string, schema: Schema, required: boolean): InputField {
  const base = {
    name,
    required,
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
    ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
  };
  if (schema.enum?.every((v) => typeof v === 'string')) return { ...base, kind: 'choice', choices: schema.enum as string[] };
  if (schema.type === 'integer' || schema.type === 'number' || schema.type === 'string' || schema.type === 'boolean')
    return { ...base, kind: schema.type };
  return { ...base, kind: 'json' };
}

/**
 * A field's value as the form read it, turned into JSON for the API: numbers as numbers when they read as numbers, and
 * as the text otherwise, so that the API (not the form) says what is wrong with them; an empty optional field is left out.
 * @returns undefined to leave the field out; throws SyntaxError for a JSON field that does not parse.
 */
export function fieldValue(field: InputField, raw: string | boolean): unknown {
  if (field.kind === 'boolean') return raw === true;
  const text = String(raw).trim();
  if (text === '') return undefined;
  if (field.kind === 'integer' || field.kind === 'number') return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
  if (field.kind === 'json') return JSON.parse(text);
  return String(raw);
}
