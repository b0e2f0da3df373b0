import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpRequestError } from './http-request-error';

export type RouteName = 'submitJob' | 'listJobs' | 'getJob' | 'cancelJob' | 'retryJob' | 'getOpenApi';

/** The query parameters each route takes; any other is refused. */
export const QUERY_PARAMETERS: Partial<Record<RouteName, readonly string[]>> = {
  listJobs: ['status', 'type', 'limit', 'nextToken', 'owner'],
};

export interface RouteTemplate {
  resource: string;
  pattern: RegExp;
  methods: Partial<Record<string, RouteName>>;
}

/** Every route the API serves: the OpenAPI document is checked against this list. */
export const ROUTES: readonly RouteTemplate[] = [
  { resource: '/jobs', pattern: /^\/jobs\/?$/, methods: { POST: 'submitJob', GET: 'listJobs' } },
  { resource: '/jobs/{jobId}', pattern: /^\/jobs\/([^/]+)\/?$/, methods: { GET: 'getJob' } },
  { resource: '/jobs/{jobId}/cancel', pattern: /^\/jobs\/([^/]+)\/cancel\/?$/, methods: { POST: 'cancelJob' } },
  { resource: '/jobs/{jobId}/retry', pattern: /^\/jobs\/([^/]+)\/retry\/?$/, methods: { POST: 'retryJob' } },
  { resource: '/openapi.json', pattern: /^\/openapi\.json$/, methods: { GET: 'getOpenApi' } },
];

export interface MatchedRoute {
  name: RouteName;
  /** Raw path parameters, not yet validated. */
  params: Record<string, string>;
}

/**
 * Finds the route for a proxy event: by API Gateway's resource template when it names one of
 * ours, else by the path (a `{proxy+}` integration or a custom domain mapping).
 * @throws HttpRequestError 404 for an unknown path, 405 (with Allow) for a known path and wrong method.
 */
export function matchRoute(event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'path' | 'resource' | 'pathParameters'>): MatchedRoute {
  const byResource = ROUTES.find((route) => route.resource === event.resource);
  const byPath = byResource ? undefined : ROUTES.map((route) => ({ route, match: route.pattern.exec(event.path) })).find((m) => m.match);
  const route = byResource ?? byPath?.route;
  if (!route) throw new HttpRequestError(404, 'ROUTE_NOT_FOUND', `No route for ${event.path}`);
  const name = route.methods[event.httpMethod.toUpperCase()];
  if (!name) {
    const allow = Object.keys(route.methods).join(', ');
    throw new HttpRequestError(
      405,
      'METHOD_NOT_ALLOWED',
      `${event.httpMethod} is not allowed on ${route.resource}; use ${allow}`,
      undefined,
      { Allow: allow },
    );
  }
  const jobId = event.pathParameters?.['jobId'] ?? byPath?.match?.[1];
  return { name, params: jobId !== undefined ? { jobId: safeDecode(jobId) } : {} };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a malformed escape stays as sent and fails id validation
  }
}
