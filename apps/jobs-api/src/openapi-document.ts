import { JobStatusSchema, JobViewSchema, submitJobRequestModel, type JobTypeRegistry, type JsonSchemaDocument } from '@async-jobs/domain';

/** A JSON copy of a TypeBox schema: its symbol keys drop out, which deep comparisons with docs/openapi.json need. */
const json = (schema: object) => JSON.parse(JSON.stringify(schema)) as JsonSchemaDocument;

const status = json(JobStatusSchema);

/** The job view's JSON shape, from the domain's schema (one source); the handler tests validate real responses against it. */
export const JOB_VIEW_SCHEMA: JsonSchemaDocument = json(JobViewSchema);

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'VALIDATION_FAILED' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'code', 'message'],
            properties: { field: { type: 'string', example: '/seconds' }, code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; `details` names each offending field',
  403: 'Not signed, or signed by someone not allowed (IAM); or an owner filter from a caller who is not an operator',
  404: "No such job (or route); another owner's job answers the same",
  409: 'The job already finished (cancel), has nothing to retry (retry: NOTHING_TO_RETRY), or the Idempotency-Key was used for another request (submit)',
  413: 'The body is too large',
  415: 'The body is not application/json',
  503: 'Briefly unavailable; retry after Retry-After seconds',
};
const jobId = { name: 'jobId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const view = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/JobView' } } },
});

/**
 * The API's OpenAPI 3 document, generated from the same schemas API Gateway and the handler
 * validate with (one source): served at `GET /openapi.json` and written to docs/openapi.json.
 */
export function openApiDocument(registry: JobTypeRegistry): JsonSchemaDocument {
  const { $schema: _draft, title: _title, ...submitRequest } = submitJobRequestModel(registry);
  return {
    openapi: '3.0.3',
    info: {
      title: 'async-jobs',
      version: '1.0.0',
      description:
        "Submit jobs and read their status. Work happens asynchronously: POST answers 202 at once. Every request is signed with AWS SigV4 (service execute-api). Each caller sees, lists and cancels only the jobs it submitted (a role's sessions are one caller); operators see every job.",
    },
    security: [{ sigv4: [] }],
    paths: {
      '/jobs': {
        post: {
          operationId: 'submitJob',
          summary: 'Submit a job',
          description: `Job types: ${registry
            .all()
            .map((t) => `\`${t.name}\` — ${t.description}`)
            .join('; ')}. The body \`{"seconds": n}\` is accepted as a \`sleep\` job.`,
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', minLength: 1, maxLength: 128 },
              description:
                "Submit at most once: the same key with the same request returns the same job (200); with another request, 409. Keys are the caller's own and expire with their job.",
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitJobRequest' } } } },
          responses: {
            '200': {
              description: 'Replayed: the job first submitted with this Idempotency-Key (header Idempotent-Replayed: true)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitAccepted' } } },
            },
            '202': {
              description: 'Accepted: the job is stored and will run',
              headers: { Location: { description: 'The job status URL', schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitAccepted' } } },
            },
            ...errors(400, 403, 409, 413, 415, 503),
          },
        },
        get: {
          operationId: 'listJobs',
          summary: "List the caller's jobs, newest first",
          description:
            "The caller's own jobs (an operator's: every owner's, or one owner's with `owner`), filtered by type (from the index) and by status (derived per job): a page may hold fewer than `limit` jobs while `nextToken` continues.",
          parameters: [
            { name: 'status', in: 'query', required: false, schema: status },
            { name: 'type', in: 'query', required: false, schema: { type: 'string', enum: registry.names() } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'nextToken', in: 'query', required: false, schema: { type: 'string' }, description: 'From the previous page; opaque' },
            {
              name: 'owner',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: "Operators: only this principal's jobs (an IAM user or role ARN)",
            },
          ],
          responses: {
            '200': {
              description: 'A page of jobs',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/JobsPage' } } },
            },
            ...errors(400, 403, 503),
          },
        },
      },
      '/jobs/{jobId}': {
        get: {
          operationId: 'getJob',
          summary: "Read a job's status and result",
          parameters: [
            jobId,
            {
              name: 'If-None-Match',
              in: 'header',
              required: false,
              schema: { type: 'string' },
              description: 'An ETag from an earlier read: 304 while the job is unchanged',
            },
          ],
          responses: {
            '200': view('The job', { ETag: { description: 'Changes whenever the job does', schema: { type: 'string' } } }),
            '304': { description: 'Unchanged since the ETag given in If-None-Match' },
            ...errors(400, 403, 404, 503),
          },
        },
      },
      '/jobs/{jobId}/cancel': {
        post: {
          operationId: 'cancelJob',
          summary: 'Cancel a job that has not finished',
          description:
            "Every unfinished consumer becomes CANCELLED; a running consumer's late result is discarded. Cancelling a cancelled job returns it unchanged.",
          parameters: [jobId],
          responses: { '200': view('The cancelled job'), ...errors(400, 403, 404, 409, 503) },
        },
      },
      '/jobs/{jobId}/retry': {
        post: {
          operationId: 'retryJob',
          summary: 'Run again the consumers of a job that ended FAILED',
          description:
            "Every FAILED consumer goes back to PENDING, its attempts kept and its failure kept as lastError, and runs again as if delivered anew (the type's maxAttempts counts again). Only a job whose status is FAILED can be retried: a running, succeeded or cancelled job answers 409 NOTHING_TO_RETRY.",
          parameters: [jobId],
          responses: { '202': view('The job, its failed consumers PENDING again'), ...errors(400, 403, 404, 409, 503) },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 for the service execute-api (IAM auth)',
        },
      },
      schemas: {
        SubmitJobRequest: submitRequest,
        SubmitAccepted: {
          type: 'object',
          required: ['jobId', 'id', 'type', 'status', 'links'],
          properties: {
            jobId: { type: 'string', format: 'uuid' },
            id: { type: 'string', format: 'uuid' },
            type: { type: 'string' },
            status,
            links: { type: 'object', required: ['self'], properties: { self: { type: 'string' } } },
          },
        },
        JobView: JOB_VIEW_SCHEMA,
        JobsPage: {
          type: 'object',
          required: ['jobs'],
          properties: { jobs: { type: 'array', items: { $ref: '#/components/schemas/JobView' } }, nextToken: { type: 'string' } },
        },
        Error: ERROR_SCHEMA,
      },
    },
  };
}
