import { randomUUID } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { FINISHED, type JobsPage, type JobView, type ListJobsQuery, type SubmitAccepted, type SubmitJobRequest } from './api-types';
import { JobsApiError, WaitTimeoutError } from './jobs-api-error';
import { NodeSha256 } from './node-sha256';
import { resultConsumer, writeResult, type DownloadProgress } from './result-download';
import { Writable } from 'node:stream';

export interface JobsClientOptions {
  /** The API's base URL, e.g. the stack output `api_url` or `http://localhost:3000`. */
  endpoint: string;
  region?: string;
  /** SigV4 credentials; the AWS SDK's default chain (env, profile, SSO, instance role…) when unset. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Sign requests (IAM auth). Off only for a local system started without --auth. */
  sign?: boolean;
  /** Attempts for throttled (429) and unavailable (5xx) answers and network errors, with jittered backoff. */
  maxAttempts?: number;
  baseDelayMs?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Called whenever the job changed (each new version). */
  onProgress?: (job: JobView) => void;
  signal?: AbortSignal;
}

/**
 * The async-jobs API, typed: every route, SigV4-signed with the AWS SDK's own signer and
 * credential chain, retried with backoff when throttled or briefly unavailable.
 * @example
 * const client = new JobsClient({ endpoint: process.env.API_URL!, region: 'eu-west-1' });
 * const { jobId } = await client.submitJob({ type: 'sleep', input: { seconds: 5 } });
 * const done = await client.waitFor(jobId, { onProgress: (job) => console.log(job.status) });
 */
export class JobsClient {
  private readonly endpoint: URL;
  private readonly signer?: SignatureV4;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(options: JobsClientOptions) {
    this.endpoint = new URL(options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
    const region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
    if (options.sign !== false) {
      this.signer = new SignatureV4({
        service: 'execute-api',
        region,
        credentials: options.credentials ?? defaultProvider(),
        sha256: NodeSha256,
      });
    }
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 200;
  }

  /**
   * Submits a job. Every submit carries an Idempotency-Key — the one given, else a fresh one — so
   * that the client's own retries (after a 503, a 429 or a lost connection) can never create the
   * job twice. Give your own key to make retries of your caller safe as well.
   */
  submitJob(request: SubmitJobRequest, options: { idempotencyKey?: string } = {}): Promise<SubmitAccepted> {
    return this.call<SubmitAccepted>('POST', 'jobs', {
      body: request,
      headers: { 'idempotency-key': options.idempotencyKey ?? randomUUID() },
    });
  }

  getJob(jobId: string): Promise<JobView> {
    return this.call<JobView>('GET', `jobs/${encodeURIComponent(jobId)}`);
  }

  /**
   * A finished job's result, wherever it is kept: inline in the job, or (over 32 KiB) fetched from its link and parsed.
   * For large results prefer `downloadResult`, which streams. `consumerId`: whose result (the first that SUCCEEDED by default).
   * @throws NoResultError when no consumer (or not the one named) SUCCEEDED.
   */
  async getResult(jobId: string, options: { consumerId?: string } = {}): Promise<unknown> {
    const job = await this.getJob(jobId);
    const [, consumer] = resultConsumer(job, options.consumerId);
    if (consumer.resultUrl === undefined) return consumer.result ?? null;
    const chunks: Buffer[] = [];
    await writeResult(job, consumer, new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) }));
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  /**
   * Streams a finished job's result, as a JSON document, to `destination`: the job is read first, so its link is fresh.
   * @returns the consumer whose result it is and its size in bytes.
   * @throws NoResultError, or ResultLinkExpiredError should the fresh link still expire before the download starts.
   */
  async downloadResult(
    jobId: string,
    destination: Writable,
    options: { consumerId?: string; onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<{ consumerId: string; bytes: number; job: JobView }> {
    const job = await this.getJob(jobId);
    const [consumerId, consumer] = resultConsumer(job, options.consumerId);
    const { bytes } = await writeResult(job, consumer, destination, options);
    return { consumerId, bytes, job };
  }

  listJobs(query: ListJobsQuery = {}): Promise<JobsPage> {
    const params = Object.fromEntries(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return this.call<JobsPage>('GET', 'jobs', { query: params });
  }

  /** Runs again the consumers of a job that ended FAILED (409 NOTHING_TO_RETRY for any other). */
  retryJob(jobId: string): Promise<JobView> {
    return this.call<JobView>('POST', `jobs/${encodeURIComponent(jobId)}/retry`);
  }

  cancelJob(jobId: string): Promise<JobView> {
    return this.call<JobView>('POST', `jobs/${encodeURIComponent(jobId)}/cancel`);
  }

  /**
   * Polls until the job finished (SUCCEEDED, FAILED or CANCELLED) and returns it; polls of an
   * unchanged job cost a 304 thanks to its ETag.
   * @throws WaitTimeoutError when `timeoutMs` (default 10 minutes) runs out first.
   */
  async waitFor(jobId: string, options: WaitOptions = {}): Promise<JobView> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let last: JobView | undefined;
    let etag: string | undefined;
    for (;;) {
      const answer = await this.request('GET', `jobs/${encodeURIComponent(jobId)}`, { headers: etag ? { 'if-none-match': etag } : {} });
      if (answer.status !== 304) {
        last = (await answer.json()) as JobView;
        etag = answer.headers.get('etag') ?? undefined;
        options.onProgress?.(last);
        if (FINISHED.includes(last.status)) return last;
      }
      if (Date.now() >= deadline) throw new WaitTimeoutError(jobId, last?.status ?? 'unknown');
      if (options.signal?.aborted) throw options.signal.reason;
      await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())));
    }
  }

  /**
   * One signed request, sent once, its answer returned whatever its status: for a proxy that passes answers on
   * (the console's), where the typed methods above would throw or retry. `path` is relative to the endpoint.
   */
  async send(
    method: string,
    path: string,
    options: { body?: string; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(path, this.endpoint);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const headers = await this.headersFor(method, url, options.body, options.headers ?? {});
    return fetch(url, { method, headers, body: options.body });
  }

  private async call<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const answer = await this.request(method, path, options);
    return (await answer.json()) as T;
  }

  /** Signs and sends, retrying 429/5xx and network errors; any other error answer becomes a JobsApiError. */
  private async request(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 1; ; attempt++) {
      let answer: Response | undefined;
      let failure: unknown;
      try {
        // Signed afresh each attempt: a retry after a backoff must not carry a stale signature date.
        answer = await this.send(method, path, { ...options, body });
      } catch (error) {
        failure = error;
      }
      if (answer && (answer.ok || answer.status === 304)) return answer;
      const error = answer ? await toApiError(answer) : failure;
      const retryable = answer ? (error as JobsApiError).retryable : true;
      if (!retryable || attempt >= this.maxAttempts) throw error;
      const retryAfter = Number(answer?.headers.get('retry-after'));
      await sleep(
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.random() * this.baseDelayMs * 2 ** (attempt - 1),
      );
    }
  }

  private async headersFor(
    method: string,
    url: URL,
    body: string | undefined,
    extra: Record<string, string>,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      host: url.host,
      accept: 'application/json',
      ...extra,
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    if (!this.signer) return headers;
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      // As sent, percent escapes and all: SigV4 (outside S3) encodes the path as the request carries it, once more.
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    return signed.headers as Record<string, string>;
  }
}

async function toApiError(answer: Response): Promise<JobsApiError> {
  const requestId = answer.headers.get('x-request-id') ?? answer.headers.get('x-amzn-requestid') ?? undefined;
  try {
    const { error } = (await answer.json()) as { error?: { code?: string; message?: string; details?: JobsApiError['details'] } };
    return new JobsApiError(answer.status, error?.code ?? 'UNKNOWN', error?.message ?? answer.statusText, error?.details, requestId);
  } catch {
    return new JobsApiError(answer.status, 'UNKNOWN', answer.statusText, [], requestId);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
