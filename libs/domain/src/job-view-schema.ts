import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { JOB_STATUSES, type JobStatus } from './job';

// The job view's one source: the domain's types, the OpenAPI document and the client's generated
// types all come from these schemas. They stay within what OpenAPI 3.0 can say (`enum`, not
// `const`; `additionalProperties`, not `patternProperties`), hence `Type.Unsafe` where TypeBox's own
// builders would write the later keywords.

/** A string from a fixed list, written as `enum` (TypeBox's own union of literals uses `const`). */
function StringEnum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

/** An object whose every key maps to `values`, written as `additionalProperties` (TypeBox's Record uses `patternProperties`). */
function StringMap<T extends TSchema>(values: T) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: values });
}

const Timestamp = (options: { description?: string } = {}) => Type.String({ format: 'date-time', ...options });

export const JobStatusSchema = StringEnum<JobStatus>(JOB_STATUSES);

export const FailureReasonViewSchema = Type.Object(
  { code: Type.String(), message: Type.String() },
  { description: 'Why a run failed or was stopped: a stable code and a sentence for people.' },
);

export const ConsumerViewSchema = Type.Object(
  {
    status: JobStatusSchema,
    attempts: Type.Integer({ minimum: 0 }),
    updatedAt: Timestamp(),
    startedAt: Type.Optional(Timestamp()),
    finishedAt: Type.Optional(Timestamp()),
    result: Type.Optional(
      Type.Unknown({ description: 'The result, inline when its JSON is at most 32 KiB; a larger one is at resultUrl.' }),
    ),
    resultBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'The size of a stored result (one not inline), in bytes.' })),
    resultContentType: Type.Optional(Type.String({ description: 'The media type of a stored result: application/json.' })),
    resultUrl: Type.Optional(
      Type.String({
        format: 'uri',
        description:
          'Where a stored result can be fetched, without credentials, until resultUrlExpiresAt (a presigned S3 GET; past it S3 answers 403: GET the job again for a fresh link).',
      }),
    ),
    resultUrlExpiresAt: Type.Optional(Timestamp()),
    error: Type.Optional(FailureReasonViewSchema),
    lastError: Type.Optional(FailureReasonViewSchema),
    queuedSince: Type.Optional(
      Timestamp({
        description:
          "While a RUNNING consumer's run waits for the runner (a job type that runs off the stream, beyond the runner's concurrency): since when.",
      }),
    ),
    progress: Type.Optional(
      Type.Object(
        {
          percent: Type.Number({ minimum: 0, maximum: 100 }),
          message: Type.Optional(Type.String({ maxLength: 200 })),
          at: Timestamp(),
        },
        {
          additionalProperties: false,
          description: "How far the run said it was, as of its lease's last renewal (a third of the lease: 20 s in AWS, 2 s locally).",
        },
      ),
    ),
  },
  { additionalProperties: false, description: "One consumer's run of the job: every consumer runs every job, independently." },
);

export const JobViewSchema = Type.Object(
  {
    jobId: Type.String({ format: 'uuid' }),
    id: Type.String({ format: 'uuid', description: "Same as jobId, for the reference sample's clients." }),
    type: Type.String(),
    status: JobStatusSchema,
    // Any JSON object: the job type's own schema checked it on the way in.
    input: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
    consumers: StringMap(ConsumerViewSchema),
    version: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp(),
    updatedAt: Timestamp(),
    owner: Type.Optional(Type.String({ description: 'The IAM principal that submitted the job (for a role session: the role)' })),
    notify: Type.Optional(
      Type.Object(
        { url: Type.String({ format: 'uri' }) },
        { additionalProperties: false, description: "Where the finished job's view is POSTed, signed (the submit's notify)." },
      ),
    ),
    cancelledAt: Type.Optional(Timestamp()),
    cancelledBy: Type.Optional(Type.String({ description: 'The principal that cancelled the job: its owner or an operator' })),
  },
  {
    additionalProperties: false,
    description: 'What callers see of a job: no claim tokens or leases, and the overall status derived from its consumers.',
  },
);
