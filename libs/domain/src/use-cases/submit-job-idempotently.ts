import { createHash } from 'node:crypto';
import { IdempotencyKeyReusedError, JobNotFoundError, ValidationError } from '../errors';
import type { Job } from '../job';
import { newJob } from '../new-job';
import { parseSubmitJobRequest } from '../schemas/submit-job-request';
import type { SubmitJobDeps } from './submit-job';

/** Printable ASCII, 1 to 128 characters: a UUID, a request id, a hash. */
const KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Submits once per key: the first request with a key creates the job; the same key with the same
 * request returns that job again (`replayed`), whatever happened meanwhile; the same key with
 * another request is refused. The key expires with the job.
 * @throws ValidationError (a malformed key or request), IdempotencyKeyReusedError.
 */
export async function submitJobIdempotently(deps: SubmitJobDeps, body: unknown, idempotencyKey: string): Promise<{ job: Job; replayed: boolean }> {
  if (!KEY.test(idempotencyKey)) {
    throw new ValidationError('The Idempotency-Key header is invalid', [
      { field: 'Idempotency-Key', code: 'INVALID_FORMAT', message: 'Expected 1 to 128 printable ASCII characters' },
    ]);
  }
  const request = parseSubmitJobRequest(body, deps.registry);
  const job = newJob({ id: deps.ids.newJobId(), request, consumers: deps.consumers, now: deps.clock.now(), retentionDays: deps.retentionDays });
  const idempotency = { keyHash: sha256(idempotencyKey), requestHash: sha256(canonicalJson(request)) };
  const outcome = await deps.repository.createIdempotent(job, idempotency);
  if (outcome.created) return { job, replayed: false };
  if (outcome.existing.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReusedError(outcome.existing.jobId);
  const first = await deps.repository.get(outcome.existing.jobId);
  if (!first) throw new JobNotFoundError(outcome.existing.jobId);
  return { job: first, replayed: true };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted, so that the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
