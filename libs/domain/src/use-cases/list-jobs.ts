import { ForbiddenError, ValidationError, type FieldError } from '../errors';
import { deriveJobStatus } from '../job-status';
import { JOB_STATUSES, type Job, type JobStatus } from '../job';
import type { JobTypeRegistry } from '../job-types/job-type-registry';
import { ANONYMOUS_PRINCIPAL, type Caller } from '../owner';
import { listPosition, type JobRepository } from '../ports/job-repository';

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;
/** Index pages read for one answer when a status filter skips most jobs; the token continues from there. */
const PAGES_PER_REQUEST = 5;

export interface ListJobsQuery {
  status?: string;
  type?: string;
  limit?: string;
  nextToken?: string;
  /** Operators only: one principal's jobs (without it, an operator lists every owner's). */
  owner?: string;
}

export interface JobsPage {
  jobs: Job[];
  /** Continues the listing after the last job seen; absent when there is nothing more. */
  nextToken?: string;
}

/**
 * The caller's jobs newest first (an operator's: every owner's, or one owner's), optionally of one
 * type and one (derived) status, a page at a time. The owner and type key the index query; the
 * status is derived from each job, so a page may hold fewer than `limit` jobs while `nextToken`
 * continues the listing.
 * @throws ValidationError naming each offending query parameter; ForbiddenError when a caller who
 * is not an operator asks for another owner's jobs.
 */
export async function listJobs(
  deps: { repository: JobRepository; registry: JobTypeRegistry },
  caller: Caller,
  query: ListJobsQuery,
): Promise<JobsPage> {
  const { status, types, limit, before } = parseListQuery(deps.registry, query);
  if (!caller.operator && query.owner !== undefined && query.owner !== caller.owner.principal) {
    throw new ForbiddenError("Only operators list other owners' jobs");
  }
  const owner = caller.operator ? query.owner : caller.owner.principal;
  const jobs: Job[] = [];
  let position = before;
  for (let page = 0; page < PAGES_PER_REQUEST; page++) {
    const result = await deps.repository.listNewest({
      types,
      limit: limit - jobs.length,
      before: position,
      ...(owner !== undefined ? { owner } : {}),
    });
    for (const job of result.jobs) {
      position = listPosition(job);
      if (!status || deriveJobStatus(job) === status) jobs.push(job);
    }
    if (!result.more) return { jobs };
    if (jobs.length >= limit) break;
  }
  return { jobs, nextToken: position === undefined ? undefined : encodeToken(position) };
}

function parseListQuery(registry: JobTypeRegistry, query: ListJobsQuery) {
  const details: FieldError[] = [];
  if (query.status !== undefined && !(JOB_STATUSES as readonly string[]).includes(query.status)) {
    details.push({ field: '?status', code: 'INVALID_VALUE', message: `Expected one of ${JOB_STATUSES.join(', ')}` });
  }
  if (query.type !== undefined && !registry.names().includes(query.type)) {
    details.push({ field: '?type', code: 'INVALID_VALUE', message: `Expected one of ${registry.names().join(', ')}` });
  }
  const limit = query.limit === undefined ? LIST_LIMIT_DEFAULT : Number(query.limit);
  if (!/^\d+$/.test(query.limit ?? '1') || limit < 1 || limit > LIST_LIMIT_MAX) {
    details.push({ field: '?limit', code: 'OUT_OF_RANGE', message: `Expected an integer from 1 to ${LIST_LIMIT_MAX}` });
  }
  if (query.owner !== undefined && !/^arn:[\w-]+:(iam|sts)::\d{12}:\S{1,1000}$/.test(query.owner) && query.owner !== ANONYMOUS_PRINCIPAL) {
    details.push({ field: '?owner', code: 'INVALID_FORMAT', message: 'Expected the ARN of an IAM principal' });
  }
  const before = query.nextToken === undefined ? undefined : decodeToken(query.nextToken);
  if (query.nextToken !== undefined && before === undefined) {
    details.push({ field: '?nextToken', code: 'INVALID_FORMAT', message: 'Not a token this API returned' });
  }
  if (details.length) throw new ValidationError(`The query is invalid: ${details.map((d) => d.field).join(', ')}`, details);
  return { status: query.status as JobStatus | undefined, types: query.type ? [query.type] : registry.names(), limit, before };
}

const TOKEN_VERSION = 'v1';

function encodeToken(position: string): string {
  return Buffer.from(JSON.stringify([TOKEN_VERSION, position]), 'utf8').toString('base64url');
}

function decodeToken(token: string): string | undefined {
  try {
    const [version, position] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    const valid = version === TOKEN_VERSION && typeof position === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z#[0-9a-f-]{36}$/.test(position);
    return valid ? position : undefined;
  } catch {
    return undefined;
  }
}
