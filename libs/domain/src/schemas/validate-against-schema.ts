import type { TSchema } from '@sinclair/typebox';
import { Errors, ValueErrorType } from '@sinclair/typebox/errors';
import type { FieldError, FieldErrorCode } from '../errors';

const CODES: Partial<Record<ValueErrorType, FieldErrorCode>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'MISSING_FIELD',
  [ValueErrorType.ObjectAdditionalProperties]: 'UNEXPECTED_FIELD',
  [ValueErrorType.Object]: 'INVALID_TYPE',
  [ValueErrorType.Array]: 'INVALID_TYPE',
  [ValueErrorType.String]: 'INVALID_TYPE',
  [ValueErrorType.Number]: 'INVALID_TYPE',
  [ValueErrorType.Integer]: 'INVALID_TYPE',
  [ValueErrorType.Boolean]: 'INVALID_TYPE',
  [ValueErrorType.Null]: 'INVALID_TYPE',
  [ValueErrorType.IntegerMinimum]: 'OUT_OF_RANGE',
  [ValueErrorType.IntegerMaximum]: 'OUT_OF_RANGE',
  [ValueErrorType.IntegerExclusiveMinimum]: 'OUT_OF_RANGE',
  [ValueErrorType.IntegerExclusiveMaximum]: 'OUT_OF_RANGE',
  [ValueErrorType.NumberMinimum]: 'OUT_OF_RANGE',
  [ValueErrorType.NumberMaximum]: 'OUT_OF_RANGE',
  [ValueErrorType.NumberExclusiveMinimum]: 'OUT_OF_RANGE',
  [ValueErrorType.NumberExclusiveMaximum]: 'OUT_OF_RANGE',
  [ValueErrorType.StringMinLength]: 'OUT_OF_RANGE',
  [ValueErrorType.StringMaxLength]: 'OUT_OF_RANGE',
  [ValueErrorType.ArrayMinItems]: 'OUT_OF_RANGE',
  [ValueErrorType.ArrayMaxItems]: 'OUT_OF_RANGE',
  [ValueErrorType.StringPattern]: 'INVALID_FORMAT',
  [ValueErrorType.StringFormat]: 'INVALID_FORMAT',
};

/**
 * The offending fields of `value`, one per field (the first problem found), each named by its JSON
 * pointer under `prefix`. Empty when the value is valid.
 */
export function validateAgainstSchema(schema: TSchema, value: unknown, prefix = ''): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const error of Errors(schema, value)) {
    const field = `${prefix}${error.path}`;
    if (byField.has(field)) continue;
    byField.set(field, { field, code: CODES[error.type] ?? 'INVALID_VALUE', message: error.message });
  }
  return [...byField.values()];
}
