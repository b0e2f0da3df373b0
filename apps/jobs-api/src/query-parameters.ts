import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { FieldError } from '@async-jobs/domain';
import { HttpRequestError } from './http-request-error';

/** The route's query parameters; a stray or repeated one is refused rather than ignored. */
export function queryOf(
  event: Pick<APIGatewayProxyEvent, 'multiValueQueryStringParameters' | 'queryStringParameters'>,
  allowed: readonly string[],
): Record<string, string> {
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
