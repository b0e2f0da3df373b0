import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  actsForAnother,
  cancelJob,
  retryJob,
  deriveJobStatus,
  getJob,
  listJobs,
  submitJob,
  submitJobIdempotently,
  toJobView,
  toJobViewWithLinks,
  type Caller,
  type Job,
} from '@async-jobs/domain';
import type { Logger } from '@async-jobs/platform';
import { principalOf } from './caller-identity';
import { jsonResponse } from './http-response';
import type { JobsApiDeps } from './jobs-api-deps';
import { openApiDocument } from './openapi-document';
import { headerValue, readJsonBody } from './request-body';
import type { RouteName } from './routes';

/** A routed request: who asks, with what parameters. */
export interface ApiRequest {
  event: APIGatewayProxyEvent;
  caller: Caller;
  query: Record<string, string>;
  params: Record<string, string>;
  /** The request's logger. A route that learns the job it acts on narrows it, so the request's last line names the job too. */
  logger: Logger;
}

export type RouteHandler = (request: ApiRequest, deps: JobsApiDeps) => Promise<APIGatewayProxyResult>;

/** The route table: each route calls one use case and maps its outcome; errors are answered by the handler around it. */
export const ROUTE_HANDLERS: Record<RouteName, RouteHandler> = {
  async submitJob(request, deps) {
    const body = readJsonBody(request.event, deps.maxBodyBytes);
    const key = headerValue(request.event.headers, 'idempotency-key');
    const { job, replayed } =
      key === undefined
        ? { job: await submitJob(deps, request.caller, body), replayed: false }
        : await submitJobIdempotently(deps, request.caller, body, key);
    request.logger = request.logger.child({ jobId: job.id });
    if (replayed) {
      request.logger.info({ jobType: job.type }, 'job submitted again with its idempotency key: same job returned');
      return accepted(job, basePath(request.event), 200);
    }
    request.logger.info({ jobType: job.type, to: 'PENDING' }, 'job submitted');
    return accepted(job, basePath(request.event), 202);
  },

  async listJobs({ caller, query, logger }, deps) {
    // An operator may name the owner by a session or a role with a path: the jobs are the role's.
    const page = await listJobs(deps, caller, query['owner'] ? { ...query, owner: principalOf(query['owner']) } : query);
    if (caller.operator && query['owner'] !== caller.owner.principal)
      operatorAction(logger, caller, 'list', { owner: query['owner'] ?? 'every owner', returned: page.jobs.length });
    const jobs = await Promise.all(page.jobs.map((job) => toJobViewWithLinks(job, deps.resultLinks)));
    return jsonResponse(200, { jobs, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
  },

  async getJob({ event, caller, params, logger }, deps) {
    const job = await getJob(deps, caller, params['jobId'] ?? '');
    if (actsForAnother(caller, job))
      operatorAction(logger.child({ jobId: job.id }), caller, 'get', { owner: job.owner?.principal ?? null });
    return unchanged(event, job) ?? jsonResponse(200, await toJobViewWithLinks(job, deps.resultLinks), { ETag: etagOf(job) });
  },

  async cancelJob(request, deps) {
    request.logger = request.logger.child({ jobId: request.params['jobId'] });
    const job = await cancelJob(deps, request.caller, request.params['jobId'] ?? '');
    if (actsForAnother(request.caller, job))
      operatorAction(request.logger, request.caller, 'cancel', { owner: job.owner?.principal ?? null });
    request.logger.info({ to: 'CANCELLED', cancelledAt: job.cancelledAt, cancelledBy: job.cancelledBy }, 'job cancelled');
    return jsonResponse(200, toJobView(job), { ETag: etagOf(job) });
  },

  async retryJob(request, deps) {
    request.logger = request.logger.child({ jobId: request.params['jobId'] });
    const job = await retryJob(deps, request.caller, request.params['jobId'] ?? '');
    if (actsForAnother(request.caller, job))
      operatorAction(request.logger, request.caller, 'retry', { owner: job.owner?.principal ?? null });
    const retried = Object.keys(job.consumers).filter((consumerId) => job.consumers[consumerId].retriedAt === job.retryRequestedAt);
    request.logger.info({ from: 'FAILED', to: 'PENDING', consumers: retried }, 'job retried');
    return jsonResponse(202, toJobView(job), { ETag: etagOf(job), Location: `/jobs/${job.id}` });
  },

  async getOpenApi(_request, deps) {
    return jsonResponse(200, openApiDocument(deps.registry), { 'Cache-Control': 'max-age=300' });
  },
};

/** An operator acting on jobs that are not its own: who, what, and whose, for the audit trail. */
function operatorAction(
  logger: Logger,
  caller: Caller,
  action: 'get' | 'list' | 'cancel' | 'retry',
  detail: Record<string, unknown>,
): void {
  logger.info({ operator: caller.owner.userArn ?? caller.owner.principal, action, ...detail }, 'operator action');
}

/** A strong validator from the version, which every write increments. */
function etagOf(job: Job): string {
  return `"${job.id}.${job.version}"`;
}

/** 304 when the caller already has this version of the job. */
function unchanged(event: APIGatewayProxyEvent, job: Job): APIGatewayProxyResult | undefined {
  const given = headerValue(event.headers, 'if-none-match');
  if (!given) return undefined;
  const tags = given.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!tags.includes(etagOf(job)) && !tags.includes('*')) return undefined;
  return { statusCode: 304, headers: { ETag: etagOf(job), 'Cache-Control': 'no-store' }, body: '' };
}

/** 202 for a new job; 200 with the same job (and its current status) when an idempotency key replays it. */
function accepted(job: Job, base: string, status: 200 | 202): APIGatewayProxyResult {
  const location = `${base}/jobs/${job.id}`;
  const headers: Record<string, string> = { Location: location, ...(status === 200 ? { 'Idempotent-Replayed': 'true' } : {}) };
  return jsonResponse(
    status,
    { jobId: job.id, id: job.id, type: job.type, status: deriveJobStatus(job), links: { self: location } },
    headers,
  );
}

/** The stage prefix callers used (`/prod`), so that Location works through API Gateway's default URL. */
function basePath(event: APIGatewayProxyEvent): string {
  const full = event.requestContext?.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
}
