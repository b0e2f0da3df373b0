import type { TSchema } from '@sinclair/typebox';
import type { JobTypeRegistry } from '../job-types/job-type-registry';
import { JOB_TYPE_PATTERN } from './submit-job-request';
import { notifySchema } from '../webhooks/notify-target';

/** A plain JSON Schema document: what API Gateway models and OpenAPI documents are made of. */
export type JsonSchemaDocument = { [key: string]: unknown };

/**
 * The request model API Gateway validates `POST /jobs` against, generated from the same schemas
 * the handler validates with: JSON Schema draft-04 (the draft API Gateway supports), accepting the
 * reference's `{"seconds": n}` or `{"type", "input"}` for each registered type.
 */
export function submitJobRequestModel(registry: JobTypeRegistry): JsonSchemaDocument {
  const legacy = registry.names().includes('sleep') ? [plain(registry.get('sleep').inputSchema)] : [];
  const typed = registry.all().map((type) => ({
    type: 'object',
    properties: {
      type: { type: 'string', enum: [type.name], pattern: JOB_TYPE_PATTERN },
      input: plain(type.inputSchema),
      // The shape and length at the edge; whether the URL may be called is checked inside (the environment's allow-list).
      notify: plain(notifySchema),
    },
    required: ['type', 'input'],
    additionalProperties: false,
  }));
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: 'SubmitJobRequest',
    anyOf: [...legacy, ...typed],
  };
}

/** A JSON copy (TypeBox's symbol keys drop out) without the top-level naming keywords. */
function plain(schema: TSchema): JsonSchemaDocument {
  const { $id: _id, title: _title, ...rest } = JSON.parse(JSON.stringify(schema)) as JsonSchemaDocument;
  return rest;
}
