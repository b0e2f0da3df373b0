import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaInvocation, type Invocation } from '@async-jobs/platform';
import { callerOf } from './caller-identity';
import { corsHeaders, preflight } from './cors';
import { errorResponse } from './error-response';
import type { JobsApiDeps } from './jobs-api-deps';
import { queryOf } from './query-parameters';
import { ROUTE_HANDLERS, type ApiRequest } from './route-handlers';
import { matchRoute, QUERY_PARAMETERS } from './routes';

export type { JobsApiDeps } from './jobs-api-deps';

/**
 * The jobs API as an API Gateway REST proxy handler: around the route table, what every request gets —
 * CORS, the caller's identity, an error body for any failure, the request id on every line and in
 * X-Request-Id, one closing line per request and a metric for each of our own failures.
 * `POST /jobs` answers 202 at once; the work happens downstream.
 */
export function createJobsApiHandler(deps: JobsApiDeps) {
  return lambdaInvocation(
    { logger: deps.logger, metrics: deps.metrics, requestIdOf: (event: APIGatewayProxyEvent) => event.requestContext?.requestId },
    (event: APIGatewayProxyEvent, invocation, _context: Pick<Context, 'awsRequestId'>) => handleRequest(deps, event, invocation),
  );
}

async function handleRequest(
  deps: JobsApiDeps,
  event: APIGatewayProxyEvent,
  { requestId, logger, metric }: Invocation,
): Promise<APIGatewayProxyResult> {
  const started = Date.now();
  const cors = deps.corsAllowedOrigins ?? [];
  const preflightResponse = preflight(event, cors);
  if (preflightResponse) return preflightResponse;
  let route = 'unmatched';
  let request: ApiRequest | undefined;
  let response: APIGatewayProxyResult;
  try {
    const matched = matchRoute(event);
    route = matched.name;
    const query = queryOf(event, QUERY_PARAMETERS[matched.name] ?? []);
    const caller = callerOf(event, deps.callers);
    // Every line of the request names who made it.
    request = { event, caller, query, params: matched.params, logger: logger.child({ principal: caller.owner.principal }) };
    response = await ROUTE_HANDLERS[matched.name](request, deps);
  } catch (error) {
    const refusal = errorResponse(error);
    response = refusal.response;
    const errorLogger = request?.logger ?? logger;
    if (refusal.response.statusCode < 500) errorLogger.warn({ code: refusal.code }, 'request refused');
    else {
      errorLogger.error({ err: error, code: refusal.code }, 'request failed');
      metric('ApiErrors', { route });
    }
  }
  response.headers = { ...response.headers, ...corsHeaders(event, cors), 'X-Request-Id': requestId };
  (request?.logger ?? logger).info(
    { method: event.httpMethod, route, status: response.statusCode, durationMs: Date.now() - started },
    'request handled',
  );
  return response;
}
