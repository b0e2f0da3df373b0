import { readConsoleAssets } from './console-assets';
import { refusal } from './console-guard';
import type { ConsoleAnswer, ConsoleBackend, ConsoleRequest } from './console-types';
import { ReplayWindowError } from './failed-events-archive';

/** The API routes the console may call, as `METHOD path` under the API's root: nothing else is signed for a browser. */
const API_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: 'GET', path: /^jobs$/ },
  { method: 'POST', path: /^jobs$/ },
  { method: 'GET', path: /^jobs\/[^/]+$/ },
  { method: 'POST', path: /^jobs\/[^/]+\/(cancel|retry)$/ },
  { method: 'GET', path: /^openapi\.json$/ },
];
/** Request headers the proxy passes on to the API; the rest (cookies, the browser's own) stay behind. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'if-none-match', 'idempotency-key'];
const FORWARDED_ANSWER_HEADERS = ['content-type', 'etag', 'x-amzn-requestid', 'retry-after'];
export const IDENTITY_HEADER = 'x-async-jobs-identity';

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export type ConsoleHandler = (request: ConsoleRequest) => Promise<ConsoleAnswer>;

/**
 * The console under `/console`: its page, and under `/console/api/` the API's routes signed as the chosen identity,
 * the session (who may be acted as) and the failed-events archive with its replays.
 */
export function consoleHandler(options: { assetsDir: string; backend: ConsoleBackend; accessToken?: string }): ConsoleHandler {
  const assets = readConsoleAssets(options.assetsDir);
  const { backend, accessToken } = options;
  return async (request) => {
    const url = new URL(request.target, 'http://console');
    // `/console/../x` arrives normalized to `/x`: nothing outside /console is the console's.
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/'))
      return error(404, 'NOT_FOUND', `The console has no ${url.pathname}`);
    const isApiCall = url.pathname.startsWith('/console/api/');
    const refused = refusal(request, isApiCall, accessToken);
    if (refused) return error(403, 'FORBIDDEN', refused);
    if (!isApiCall) {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return error(405, 'METHOD_NOT_ALLOWED', 'The console page is read with GET');
      if (url.pathname === '/console') return { status: 308, headers: { location: '/console/' }, body: '' };
      const asset = assets.get(url.pathname === '/console/' ? 'index.html' : url.pathname.slice('/console/'.length));
      if (!asset) return error(404, 'NOT_FOUND', `The console has no ${url.pathname}`);
      return { status: 200, headers: { 'content-type': asset.type, 'cache-control': 'no-cache', ...PAGE_HEADERS }, body: asset.body };
    }

    const identity = String(request.headers[IDENTITY_HEADER] ?? backend.identities[0]?.name ?? '');
    const acting = backend.identities.find((i) => i.name === identity);
    if (!acting) return error(400, 'UNKNOWN_IDENTITY', `The console cannot act as "${identity}"`, '/identity');
    const path = url.pathname.slice('/console/api/'.length);
    try {
      if (path === 'session' && request.method === 'GET')
        return json(200, {
          environment: backend.environment,
          apiUrl: backend.apiUrl,
          identities: backend.identities,
          archive: backend.archive !== undefined,
        });
      if (path === 'archive' || path.startsWith('replays')) return await archiveRoute(backend, acting.operator, request, path);
      if (!API_ROUTES.some((r) => r.method === request.method && r.path.test(path)))
        return error(404, 'ROUTE_NOT_FOUND', `The console does not call ${request.method} /${path}`);
      return await proxy(backend, acting.name, request, path, url);
    } catch (failure) {
      return awsError(failure);
    }
  };
}

async function proxy(backend: ConsoleBackend, identity: string, request: ConsoleRequest, path: string, url: URL): Promise<ConsoleAnswer> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await backend.clientFor(identity).send(request.method, path, {
    query: Object.fromEntries(url.searchParams),
    headers,
    ...(request.body.length ? { body: request.body.toString('utf8') } : {}),
  });
  const out: Record<string, string> = { 'cache-control': 'no-store' };
  for (const name of FORWARDED_ANSWER_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) out[name] = value;
  }
  return { status: answer.status, headers: out, body: Buffer.from(await answer.arrayBuffer()) };
}

async function archiveRoute(
  backend: ConsoleBackend,
  operator: boolean | undefined,
  request: ConsoleRequest,
  path: string,
): Promise<ConsoleAnswer> {
  const archive = backend.archive;
  if (!archive) return error(404, 'NO_ARCHIVE', 'This console was started without access to the failed-events archive');
  // Locally, where moto checks no IAM, the console itself keeps replays to operators, as the environments' grants do.
  if (operator === false) return error(403, 'FORBIDDEN', 'Only operators see the failed-events archive and replay it');
  if (path === 'archive' && request.method === 'GET') return json(200, await archive.describe());
  if (path === 'replays' && request.method === 'GET') return json(200, { replays: await archive.recentReplays() });
  if (path === 'replays' && request.method === 'POST') {
    let window: { from?: unknown; to?: unknown };
    try {
      window = JSON.parse(request.body.toString('utf8')) as { from?: unknown; to?: unknown };
    } catch {
      return error(400, 'MALFORMED_JSON', 'The body is not valid JSON');
    }
    try {
      return json(202, await archive.replay(new Date(String(window.from ?? '')), new Date(String(window.to ?? ''))));
    } catch (failure) {
      if (failure instanceof ReplayWindowError) return error(400, 'VALIDATION_FAILED', failure.message, `/${failure.field}`, failure.code);
      throw failure;
    }
  }
  const name = /^replays\/([A-Za-z0-9._-]{1,64})$/.exec(path)?.[1];
  if (name && request.method === 'GET') {
    if (!archive.owns(name)) return error(404, 'REPLAY_NOT_FOUND', `This console started no replay named ${name}`);
    return json(200, await archive.describeReplay(name));
  }
  return error(404, 'ROUTE_NOT_FOUND', `The console has no ${request.method} /console/api/${path}`);
}

/** An AWS refusal (the operator's grants) or failure, told to the page as the API tells its errors. */
function awsError(failure: unknown): ConsoleAnswer {
  const { name, message, $metadata } = failure as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  if (status === 403 || name === 'AccessDeniedException') return error(403, 'ACCESS_DENIED', message ?? 'Access denied');
  if (name === 'ResourceNotFoundException') return error(404, 'NOT_FOUND', message ?? 'Not found');
  return error(502, 'UPSTREAM_FAILED', `${name ?? 'Error'}: ${message ?? String(failure)}`);
}

function json(status: number, body: unknown): ConsoleAnswer {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

function error(status: number, code: string, message: string, field?: string, fieldCode?: string): ConsoleAnswer {
  const details = field ? [{ field, code: fieldCode ?? code, message }] : undefined;
  return json(status, { error: { code, message, ...(details ? { details } : {}) } });
}
