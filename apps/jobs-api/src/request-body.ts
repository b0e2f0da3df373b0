import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpRequestError } from './http-request-error';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
// curl's `-d` sends this type by default; such a body is read as JSON when it is JSON (see README).
const CURL_DEFAULT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * The request's JSON body, refused with a specific status when it is missing (400), too large
 * (413), of another media type (415) or not JSON (400).
 */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'headers' | 'isBase64Encoded'>, maxBytes: number): unknown {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new HttpRequestError(400, 'MISSING_BODY', 'The request needs a JSON body', [
      { field: '', code: 'MISSING_FIELD', message: 'Expected a JSON object' },
    ]);
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBytes) {
    throw new HttpRequestError(413, 'PAYLOAD_TOO_LARGE', `The body is ${raw.byteLength} bytes; at most ${maxBytes} are accepted`);
  }
  const contentType = headerValue(event.headers, 'content-type') ?? '';
  const isJson = JSON_TYPE.test(contentType);
  if (!isJson && !CURL_DEFAULT_TYPE.test(contentType)) {
    throw new HttpRequestError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be application/json, got ${contentType ? `"${contentType.slice(0, 100)}"` : 'none'}`,
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    if (!isJson)
      throw new HttpRequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json; the body is not JSON either');
    throw new HttpRequestError(400, 'MALFORMED_JSON', 'The body is not valid JSON');
  }
}

export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
