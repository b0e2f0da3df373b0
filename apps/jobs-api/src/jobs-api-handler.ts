import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  actsForAnother,
  cancelJob,
  deriveJobStatus,
  getJob,
  listJobs,
  submitJob,
  submitJobIdempotently,
  toJobView,
  type Caller,
  type FieldError,
  type Job,
  type SubmitJobDeps,
} from '@async-jobs/domain';
import type { Logger, Metrics } from '@async-jobs/platform';
import { callerOf, principalOf, type CallerPolicy } from './caller-identity';
import { corsHeaders, preflight } from './cors';
import { errorResponse, isClientError } from './error-response';
import { HttpRequestError } from './http-request-error';
import { jsonResponse } from './http-response';
import { openApiDocument } from './openapi-document';
import { headerValue, readJsonBody } from './request-body';
import { matchRoute, QUERY_PARAMETERS } from './routes';

export interface JobsApiDeps extends SubmitJobDeps {
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Browser origins allowed to call the API; empty: CORS off. */
  corsAllowedOrigins?: readonly string[];
  /** How callers are known, and who operates. */
  callers: CallerPolicy;
}

/**
 * The jobs API as an API Gateway REST proxy handler: routes, reads the request, calls one use case
 * and maps the outcome. `POST /jobs` answers 202 at once; the work happens downstream.
 */
export function createJobsApiHandler(deps: JobsApiDeps) {
  return async (event: APIGatewayProxyEvent, context: Pick<Context, 'awsRequestId'>): Promise<APIGatewayProxyResult> => {
    const started = Date.now();
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    let logger = deps.logger.child({ requestId, awsRequestId: context.awsRequestId });
    let route = 'unmatched';
    let response: APIGatewayProxyResult = errorResponse(new Error('no route answered'));
    const cors = deps.corsAllowedOrigins ?? [];
    const preflightResponse = preflight(event, cors);
    if (preflightResponse) return preflightResponse;
    try {
      const matched = matchRoute(event);
      route = matched.name;
      const query = queryOf(event, QUERY_PARAMETERS[matched.name] ?? []);
      const caller = callerOf(event, deps.callers);
      // Every line of the request names who made it.
      logger = logger.child({ principal: caller.owner.principal });
      switch (matched.name) {
        case 'submitJob': {
          const body = readJsonBody(event, deps.maxBodyBytes);
          const key = headerValue(event.headers, 'idempotency-key');
          const { job, replayed } =
            key === undefined
              ? { job: await submitJob(deps, caller, body), replayed: false }
              : await submitJobIdempotently(deps, caller, body, key);
          logger = logger.child({ jobId: job.id });
          if (replayed) {
            logger.info({ jobType: job.type }, 'job submitted again with its idempotency key: same job returned');
            response = accepted(job, basePath(event), 200);
          } else {
            logger.info({ jobType: job.type, to: 'PENDING' }, 'job submitted');
            response = accepted(job, basePath(event), 202);
          }
          break;
        }
        case 'listJobs': {
          // An operator may name the owner by a session or a role with a path: the jobs are the role's.
          const page = await listJobs(deps, caller, query['owner'] ? { ...query, owner: principalOf(query['owner']) } : query);
          if (caller.operator && query['owner'] !== caller.owner.principal)
            operatorAction(logger, caller, 'list', { owner: query['owner'] ?? 'every owner', returned: page.jobs.length });
          response = jsonResponse(200, { jobs: page.jobs.map(toJobView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
          break;
        }
        case 'getJob': {
          const job = await getJob(deps, caller, matched.params['jobId'] ?? '');
          if (actsForAnother(caller, job))
            operatorAction(logger.child({ jobId: job.id }), caller, 'get', { owner: job.owner?.principal ?? null });
          response = unchanged(event, job) ?? jsonResponse(200, toJobView(job), { ETag: etagOf(job) });
          break;
        }
        case 'cancelJob': {
          logger = logger.child({ jobId: matched.params['jobId'] });
          const job = await cancelJob(deps, caller, matched.params['jobId'] ?? '');
          if (actsForAnother(caller, job)) operatorAction(logger, caller, 'cancel', { owner: job.owner?.principal ?? null });
          logger.info({ to: 'CANCELLED', cancelledAt: job.cancelledAt, cancelledBy: job.cancelledBy }, 'job cancelled');
          response = jsonResponse(200, toJobView(job), { ETag: etagOf(job) });
          break;
        }
        case 'getOpenApi':
          response = jsonResponse(200, openApiDocument(deps.registry), { 'Cache-Control': 'max-age=300' });
          break;
      }
    } catch (error) {
      response = errorResponse(error);
      if (isClientError(response)) logger.warn({ code: codeOf(response) }, 'request refused');
      else {
        logger.error({ err: error, code: codeOf(response) }, 'request failed');
        deps.metrics.emit('ApiErrors', { route }, { requestId });
      }
    }
    response.headers = { ...response.headers, ...corsHeaders(event, cors), 'X-Request-Id': requestId };
    logger.info({ method: event.httpMethod, route, status: response.statusCode, durationMs: Date.now() - started }, 'request handled');
    return response;
  };
}

/** An operator acting on jobs that are not its own: who, what, and whose, for the audit trail. */
function operatorAction(logger: Logger, caller: Caller, action: 'get' | 'list' | 'cancel', detail: Record<string, unknown>): void {
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
function accepted(job: Job, base: string, status: 200 | 202) {
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

/** The route's query parameters; a stray or repeated one is refused rather than ignored. */
function queryOf(event: APIGatewayProxyEvent, allowed: readonly string[]): Record<string, string> {
  const multi =
    event.multiValueQueryStringParameters ??
    Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, [v ?? '']]));
  const details: FieldError[] = [];
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi)) {
    if (!allowed.includes(name))
      details.push({
        field: `?${name}`,
        code: 'UNEXPECTED_FIELD',
        message: allowed.length ? `Expected one of ${allowed.join(', ')}` : 'This route takes no query parameters',
      });
    else if ((values ?? []).length !== 1) details.push({ field: `?${name}`, code: 'INVALID_VALUE', message: 'Give this parameter once' });
    else query[name] = (values ?? [])[0] ?? '';
  }
  if (details.length)
    throw new HttpRequestError(400, 'VALIDATION_FAILED', `The query is invalid: ${details.map((d) => d.field).join(', ')}`, details);
  return query;
}

function codeOf(response: APIGatewayProxyResult): string | undefined {
  try {
    return (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
