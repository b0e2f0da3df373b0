import { createHash } from 'node:crypto';
import { IdempotencyKeyReusedError, StoreUnavailableError, ValidationError } from '../errors';
import type { Job } from '../job';
import type { Caller } from '../owner';
import type { IdempotencyClaim } from '../ports/job-repository';
import { parseSubmitJobRequest } from '../schemas/submit-job-request';
import { newJobOf, type SubmitJobDeps } from './submit-job';

/** Printable ASCII, 1 to 128 characters: a UUID, a request id, a hash. */
const KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Submits once per key and owner: the first request with a key creates the job; the same key with
 * the same request returns that job again (`replayed`), whatever happened meanwhile; the same key
 * with another request is refused. Keys are the caller's own: another principal's identical key
 * names another job. The key expires with the job: after that, or if its job is gone, the key
 * names a new job.
 * @throws ValidationError (a malformed key or request), IdempotencyKeyReusedError.
 */
export async function submitJobIdempotently(
  deps: SubmitJobDeps,
  caller: Caller,
  body: unknown,
  idempotencyKey: string,
): Promise<{ job: Job; replayed: boolean }> {
  if (!KEY.test(idempotencyKey)) {
    throw new ValidationError('The Idempotency-Key header is invalid', [
      { field: 'Idempotency-Key', code: 'INVALID_FORMAT', message: 'Expected 1 to 128 printable ASCII characters' },
    ]);
  }
  const request = parseSubmitJobRequest(body, deps.registry, deps.webhooks);
  const job = newJobOf(deps, caller, request);
  // The owner is part of the key: one caller's key can never find, or block, another's job.
  const idempotency: IdempotencyClaim = {
    keyHash: sha256(`${caller.owner.principal}\n${idempotencyKey}`),
    requestHash: sha256(canonicalJson(request)),
  };
  let replacing: string | undefined;
  // Twice at most: a key that outlived its job (deleted early) is taken over once.
  for (let round = 0; round < 2; round++) {
    const outcome = await deps.repository.createIdempotent(job, { ...idempotency, replacing });
    if (outcome.created) return { job, replayed: false };
    if (outcome.existing.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReusedError(outcome.existing.jobId);
    const first = await deps.repository.get(outcome.existing.jobId);
    if (first) return { job: first, replayed: true };
    replacing = outcome.existing.jobId;
  }
  // Another request with the same key took it over at the same instant: its retry finds the winner.
  throw new StoreUnavailableError('A concurrent request with the same Idempotency-Key is in flight; retry');
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
