import type { FieldError } from './model/api-types';

/** An error answer of the API or of the console's server: status, code, message and, for bad input, the fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

let identity: string | undefined;
const TOKEN_KEY = 'async-jobs-console-token';

/**
 * Keeps the access token of the printed address (`#token=…`, never sent to a server as part of the address) in this
 * tab's session storage, which no other port of localhost can read, and leaves the address bar without it.
 */
export function takeTokenFromAddress(): void {
  const token = /^#token=([\w-]+)$/.exec(location.hash)?.[1];
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(null, '', `${location.pathname}#/jobs`);
}

/** Whom the console's server signs as: one of the session's identities. */
export function actAs(name: string): void {
  identity = name;
}

export interface Answer<T> {
  status: number;
  etag?: string;
  /** Absent for a 304. */
  data?: T;
}

/**
 * Calls the console's server, which signs and forwards API routes (`jobs…`, `openapi.json`) and answers its own
 * (`session`, `archive`, `replays…`). Every call carries the console's header: the server refuses any without it.
 * @throws ApiError for an error answer.
 */
export async function call<T>(
  method: string,
  path: string,
  options: { body?: unknown; etag?: string; idempotencyKey?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'x-async-jobs-console': '1', accept: 'application/json' };
  if (identity) headers['x-async-jobs-identity'] = identity;
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers['x-async-jobs-console-token'] = token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let answer: Response;
  try {
    answer = await fetch(`/console/api/${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', 'The console server does not answer: is it still running?');
  }
  const etag = answer.headers.get('etag') ?? undefined;
  if (answer.status === 304) return { status: 304, ...(etag ? { etag } : {}) };
  const text = await answer.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!answer.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: FieldError[] } } | undefined)?.error;
    throw new ApiError(answer.status, error?.code ?? 'HTTP_' + answer.status, error?.message ?? answer.statusText, error?.details ?? []);
  }
  return { status: answer.status, ...(etag ? { etag } : {}), data: data as T };
}

export async function get<T>(path: string): Promise<T> {
  return (await call<T>('GET', path)).data as T;
}
