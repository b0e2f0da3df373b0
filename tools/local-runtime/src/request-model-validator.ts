import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import type { FieldError, JsonSchemaDocument } from '@async-jobs/domain';

/**
 * API Gateway's request validator, locally: the same draft-04 model infra uploads, checked with a
 * real draft-04 validator. AWS answers only "Invalid request body"; locally the offending fields
 * are named as well, picked from the model's branch the body was meant for.
 */
export class RequestModelValidator {
  private readonly validate: ValidateFunction;
  private readonly branches: { typeName?: string; validate: ValidateFunction }[];

  constructor(model: JsonSchemaDocument) {
    const ajv = new Ajv({ allErrors: true });
    this.validate = ajv.compile(model);
    const anyOf = (model['anyOf'] as JsonSchemaDocument[] | undefined) ?? [];
    this.branches = anyOf.map((branch) => {
      const typeEnum =
        ((branch['properties'] as Record<string, JsonSchemaDocument> | undefined)?.['type']?.['enum'] as string[] | undefined) ?? [];
      return { typeName: typeEnum[0], validate: ajv.compile(branch) };
    });
  }

  /** The offending fields, or an empty list when the body fits the model. */
  check(body: unknown): FieldError[] {
    if (this.validate(body)) return [];
    const typeName = typeof body === 'object' && body !== null && 'type' in body ? String((body as { type: unknown }).type) : undefined;
    if (typeName !== undefined && !this.branches.some((b) => b.typeName === typeName)) {
      return [{ field: '/type', code: 'INVALID_VALUE', message: `Unknown job type ${JSON.stringify(typeName).slice(0, 80)}` }];
    }
    const branch = this.branches.find((b) => b.typeName === typeName) ?? this.branches[0];
    if (!branch || branch.validate(body)) return [{ field: '', code: 'INVALID_VALUE', message: 'Invalid request body' }];
    return (branch.validate.errors ?? []).map(toFieldError);
  }
}

function toFieldError(error: ErrorObject): FieldError {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  switch (error.keyword) {
    case 'required':
      return { field: `${error.instancePath}/${params.missingProperty}`, code: 'MISSING_FIELD', message: 'Expected required property' };
    case 'additionalProperties':
      return { field: `${error.instancePath}/${params.additionalProperty}`, code: 'UNEXPECTED_FIELD', message: 'Unexpected property' };
    case 'type':
      return { field: error.instancePath, code: 'INVALID_TYPE', message: error.message ?? 'wrong type' };
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
      return { field: error.instancePath, code: 'OUT_OF_RANGE', message: error.message ?? 'out of range' };
    case 'pattern':
    case 'format':
      return { field: error.instancePath, code: 'INVALID_FORMAT', message: error.message ?? 'invalid format' };
    default:
      return { field: error.instancePath, code: 'INVALID_VALUE', message: error.message ?? 'invalid value' };
  }
}
