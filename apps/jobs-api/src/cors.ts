import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from './request-body';
import { ROUTES } from './routes';

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'idempotency-key',
  'if-none-match',
];
const EXPOSED_HEADERS = ['Location', 'ETag', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After'];

/** The CORS headers for this request's origin, when it is allowed; none when CORS is off or the origin is not. */
export function corsHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>, allowed: readonly string[]): Record<string, string> {
  const origin = headerValue(event.headers, 'origin');
  if (!origin || !(allowed.includes('*') || allowed.includes(origin))) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', ') };
}

/** A browser's preflight: 204 with what the route allows, for an allowed origin; undefined otherwise (the route answers 405). */
export function preflight(event: APIGatewayProxyEvent, allowed: readonly string[]): APIGatewayProxyResult | undefined {
  if (event.httpMethod.toUpperCase() !== 'OPTIONS') return undefined;
  const headers = corsHeaders(event, allowed);
  if (!headers['Access-Control-Allow-Origin']) return undefined;
  const route = ROUTES.find((r) => r.resource === event.resource) ?? ROUTES.find((r) => r.pattern.test(event.path));
  if (!route) return undefined;
  return {
    statusCode: 204,
    headers: {
      ...headers,
      'Access-Control-Allow-Methods': Object.keys(route.methods).join(', '),
      'Access-Control-Allow-Headers': ALLOWED_HEADERS.join(', '),
      'Access-Control-Max-Age': '600',
    },
    body: '',
  };
}
