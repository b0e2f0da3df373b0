import { Type } from '@sinclair/typebox';
import { ValidationError } from '../errors';
import type { JsonObject } from '../job';
import type { JobTypeRegistry } from '../job-types/job-type-registry';
import { validateAgainstSchema } from './validate-against-schema';
import { NO_WEBHOOKS, notifySchema, notifyUrlProblem, type NotifyTarget, type WebhookPolicy } from '../webhooks/notify-target';

export const JOB_TYPE_PATTERN = '^[a-z][a-z0-9-]{0,62}$';

/** The general request form; `input` is checked against the named type's own schema. */
export const submitJobEnvelopeSchema = Type.Object(
  {
    type: Type.String({ pattern: JOB_TYPE_PATTERN, description: 'The job type, e.g. "sleep".' }),
    input: Type.Object({}, { additionalProperties: true, description: "The job type's input." }),
    notify: Type.Optional(notifySchema),
  },
  { additionalProperties: false, title: 'SubmitJobRequest' },
);

/** The job the caller asked for, validated against its type's schema. */
export interface JobRequest {
  type: string;
  input: JsonObject;
  /** Where to POST the finished job's view (the envelope form only). */
  notify?: NotifyTarget;
}

/** The reference sample's body, `{"seconds": n}`, is a `sleep` job; it stays accepted. */
const LEGACY_JOB_TYPE = 'sleep';

/**
 * Reads a submit request in either form: `{"type": ..., "input": {...}}`, or the reference's
 * `{"seconds": n}` as a `sleep` job.
 * @throws ValidationError naming every offending field; UnknownJobTypeError for an unknown type.
 */
export function parseSubmitJobRequest(body: unknown, registry: JobTypeRegistry, webhooks: WebhookPolicy = NO_WEBHOOKS): JobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object', [
      { field: '', code: 'INVALID_TYPE', message: 'Expected a JSON object' },
    ]);
  }
  if (!('type' in body)) {
    const type = registry.get(LEGACY_JOB_TYPE);
    throwIfInvalid(validateAgainstSchema(type.inputSchema, body));
    return { type: type.name, input: body as JsonObject };
  }
  throwIfInvalid(validateAgainstSchema(submitJobEnvelopeSchema, body));
  const { type: name, input, notify } = body as { type: string; input: JsonObject; notify?: NotifyTarget };
  const type = registry.get(name);
  throwIfInvalid(validateAgainstSchema(type.inputSchema, input, '/input'));
  if (notify === undefined) return { type: type.name, input };
  // The gateway's model checks the shape; whether the URL may be called is this environment's policy, checked here.
  const problem = notifyUrlProblem(notify.url, webhooks);
  if (problem) throwIfInvalid([problem]);
  return { type: type.name, input, notify: { url: notify.url } };
}

/** The second validation level: the stream processor checks the stored input again before running. */
export function validateJobInput(registry: JobTypeRegistry, typeName: string, input: unknown): void {
  throwIfInvalid(validateAgainstSchema(registry.get(typeName).inputSchema, input, '/input'));
}

function throwIfInvalid(details: ReturnType<typeof validateAgainstSchema>): void {
  if (details.length === 0) return;
  const fields = details.map((d) => d.field || '(body)').join(', ');
  throw new ValidationError(`The request is invalid: ${fields}`, details);
}
