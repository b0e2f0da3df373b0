import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeConsoleAnswer, type ConsoleHandler } from '@async-jobs/console';
import type { FieldError } from '@async-jobs/domain';
import type { LocalFunction } from './local-function';
import type { RequestModelValidator } from './request-model-validator';
import type { RuntimeLog } from './runtime-log';
import { verifySigV4, type LocalPrincipal } from './sigv4/sigv4-verifier';

/** API Gateway's own payload limit; the handler enforces the product's smaller one. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

const RESOURCES = [
  { resource: '/jobs', pattern: /^\/jobs\/?$/, params: [] as string[] },
  { resource: '/jobs/{jobId}', pattern: /^\/jobs\/([^/]+)\/?$/, params: ['jobId'] },
  { resource: '/jobs/{jobId}/cancel', pattern: /^\/jobs\/([^/]+)\/cancel\/?$/, params: ['jobId'] },
  { resource: '/jobs/{jobId}/retry', pattern: /^\/jobs\/([^/]+)\/retry\/?$/, params: ['jobId'] },
  { resource: '/openapi.json', pattern: /^\/openapi\.json$/, params: [] as string[] },
];

export interface GatewayOptions {
  port: number;
  host: string;
  stage: string;
  region: string;
  jobsApi: LocalFunction;
  validator: RequestModelValidator;
  /** When set, every request must carry a valid SigV4 signature made with the keys of one of these principals. */
  principals?: readonly LocalPrincipal[];
  /** Extra routes under `/_local/` (fault injection for end-to-end tests), when enabled. */
  admin?: (path: string, body: unknown) => Promise<unknown>;
  /** The console, under /console: its page and its signing proxy, which signs for the browser (so it needs no signature itself). */
  console?: ConsoleHandler;
  log: RuntimeLog;
}

/**
 * The REST API as API Gateway serves it, locally: IAM (SigV4) authorization when asked, the body
 * validated against the same model, and the request proxied to jobs-api as a REST proxy event.
 */
export function startHttpGateway(options: GatewayOptions): Promise<Server> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.log.error(`gateway: ${(error as Error).stack ?? error}`);
      send(res, 500, { error: { code: 'INTERNAL_ERROR', message: 'The local gateway failed' } }, {});
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

async function handle(options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const headersOut = { 'x-amzn-RequestId': requestId };
  const target = req.url ?? '/';
  const url = new URL(target, 'http://localhost');
  const body = await readBody(req, GATEWAY_MAX_BODY_BYTES);
  if (body === undefined)
    return send(res, 413, gatewayError('PAYLOAD_TOO_LARGE', 'The request is larger than API Gateway accepts (10 MB)'), headersOut);

  if (options.console && (url.pathname === '/console' || url.pathname.startsWith('/console/'))) {
    return writeConsoleAnswer(
      res,
      await options.console({ method: req.method ?? 'GET', target, headers: req.headers, body, remoteAddress: req.socket.remoteAddress }),
    );
  }
  if (options.admin && url.pathname.startsWith('/_local/')) {
    return send(res, 200, await options.admin(url.pathname, body.length ? JSON.parse(body.toString('utf8')) : {}), headersOut);
  }
  // Browsers send CORS preflights unsigned; API Gateway leaves OPTIONS unauthenticated for them too.
  let principal: LocalPrincipal | undefined;
  if (options.principals && req.method !== 'OPTIONS') {
    // The signature covers the request as sent: the raw target, and every header line as it came.
    const at = target.indexOf('?');
    const verdict = verifySigV4(
      {
        method: req.method ?? 'GET',
        rawPath: at === -1 ? target : target.slice(0, at),
        rawQuery: at === -1 ? '' : target.slice(at + 1),
        headers: rawHeaders(req),
        body,
      },
      options.principals,
      options.region,
    );
    if (!verdict.ok) return send(res, 403, gatewayError(verdict.code, verdict.message), headersOut);
    principal = verdict.principal;
  }

  const matched = RESOURCES.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find((x) => x.m);
  const method = (req.method ?? 'GET').toUpperCase();
  const contentType = String(req.headers['content-type'] ?? '');
  // An empty body goes on to the handler, which answers MISSING_BODY.
  if (matched?.r.resource === '/jobs' && method === 'POST' && JSON_TYPE.test(contentType) && body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 400, gatewayError('MALFORMED_JSON', 'The body is not valid JSON'), headersOut);
    }
    const details = options.validator.check(parsed);
    if (details.length) return send(res, 400, gatewayError('VALIDATION_FAILED', 'Invalid request body', details), headersOut);
  }

  const event = proxyEvent(options, req, url, body, requestId, matched, principal);
  const result = await options.jobsApi.invoke(event);
  if (!result.ok) {
    options.log.error(`jobs-api failed: ${result.errorType}: ${result.errorMessage}`);
    return send(res, 502, gatewayError('INTERNAL_ERROR', 'Internal server error'), headersOut);
  }
  const response = result.result as { statusCode: number; headers?: Record<string, string>; body?: string };
  res.writeHead(response.statusCode, { ...response.headers, ...headersOut });
  res.end(response.body ?? '');
}

function proxyEvent(
  options: GatewayOptions,
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  requestId: string,
  matched: { r: (typeof RESOURCES)[number]; m: RegExpExecArray | null } | undefined,
  principal: LocalPrincipal | undefined,
) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  // As API Gateway decodes them: percent escapes only, a `+` stays a `+` (URLSearchParams would make it a space).
  const query: Record<string, string[]> = {};
  for (const part of url.search.slice(1).split('&').filter(Boolean)) {
    const at = part.indexOf('=');
    const [name, value] = at === -1 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    (query[percentDecoded(name)] ??= []).push(percentDecoded(value));
  }
  const resource = matched?.r.resource ?? '/{proxy+}';
  const pathParameters = matched
    ? Object.fromEntries(matched.r.params.map((name, i) => [name, matched.m?.[i + 1] ?? '']))
    : { proxy: url.pathname.replace(/^\//, '') };
  const isText =
    body.length === 0 || /^(application\/(json|x-www-form-urlencoded)|text\/)/i.test(String(req.headers['content-type'] ?? ''));
  return {
    resource,
    path: url.pathname,
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1]]))
      : null,
    multiValueQueryStringParameters: Object.keys(query).length ? query : null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      resourcePath: resource,
      httpMethod: (req.method ?? 'GET').toUpperCase(),
      // Served at the root, as through a custom domain: no stage prefix in the path callers use.
      path: url.pathname,
      stage: options.stage,
      requestId,
      requestTimeEpoch: Date.now(),
      protocol: `HTTP/${req.httpVersion}`,
      // What IAM authorization passes on: who signed, or nobody when the gateway takes unsigned requests.
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(req.headers['user-agent'] ?? ''),
        caller: principal?.caller ?? null,
        user: principal?.caller ?? null,
        userArn: principal?.userArn ?? null,
        accountId: principal?.accountId ?? null,
        accessKey: principal?.accessKeyId ?? null,
      },
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : null,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function gatewayError(code: string, message: string, details?: FieldError[]) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function percentDecoded(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** Each header as it arrived, repeated lines kept apart (Node joins some with ", ", which SigV4 does not). */
function rawHeaders(req: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) (headers[req.rawHeaders[i].toLowerCase()] ??= []).push(req.rawHeaders[i + 1]);
  return headers;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
