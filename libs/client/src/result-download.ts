import { Transform, type Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ConsumerView, JobView } from './api-types';

/** A result link answered 403: links are short-lived (15 minutes by default). */
export class ResultLinkExpiredError extends Error {
  constructor(readonly jobId: string) {
    super(
      `The link to job ${jobId}'s result has expired (S3 answered 403): get the job again for a fresh one (async-jobs get ${jobId} --output <file>)`,
    );
    this.name = 'ResultLinkExpiredError';
  }
}

/** The job has no result to fetch: no consumer (or not the one asked for) SUCCEEDED. */
export class NoResultError extends Error {
  constructor(
    readonly jobId: string,
    detail: string,
  ) {
    super(`Job ${jobId} has no result: ${detail}`);
    this.name = 'NoResultError';
  }
}

export interface DownloadProgress {
  bytes: number;
  /** The stored result's size; unknown only for a store that does not say. */
  total?: number;
}

/**
 * The consumer whose result to fetch: the one named, or else the first (by id) that SUCCEEDED. Every consumer runs
 * every job, so any SUCCEEDED one has a result.
 */
export function resultConsumer(job: JobView, consumerId?: string): [string, ConsumerView] {
  if (consumerId !== undefined) {
    const consumer = job.consumers[consumerId];
    if (!consumer) throw new NoResultError(job.jobId, `it has no consumer ${consumerId} (it has ${Object.keys(job.consumers).join(', ')})`);
    if (consumer.status !== 'SUCCEEDED') throw new NoResultError(job.jobId, `consumer ${consumerId} is ${consumer.status}`);
    return [consumerId, consumer];
  }
  const succeeded = Object.keys(job.consumers)
    .sort()
    .find((id) => job.consumers[id].status === 'SUCCEEDED');
  if (succeeded === undefined) throw new NoResultError(job.jobId, `no consumer SUCCEEDED (the job is ${job.status})`);
  return [succeeded, job.consumers[succeeded]];
}

/**
 * Writes a consumer's result to `destination`, as the JSON document it is: an inline one serialized, a stored one
 * streamed from its link (never held in memory whole), `onProgress` told as bytes arrive.
 * @throws ResultLinkExpiredError when the link has expired; NoResultError for a consumer without a result.
 */
export async function writeResult(
  job: JobView,
  consumer: ConsumerView,
  destination: Writable,
  options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
): Promise<{ bytes: number }> {
  if (consumer.resultUrl === undefined) {
    const body = Buffer.from(JSON.stringify(consumer.result ?? null), 'utf8');
    await pipeline(Readable.from([body]), destination, { signal: options.signal });
    options.onProgress?.({ bytes: body.byteLength, total: body.byteLength });
    return { bytes: body.byteLength };
  }
  const answer = await fetch(consumer.resultUrl, { signal: options.signal });
  if (answer.status === 403) throw new ResultLinkExpiredError(job.jobId);
  if (!answer.ok || !answer.body) throw new Error(`Fetching job ${job.jobId}'s result failed: ${answer.status} ${answer.statusText}`);
  const total = consumer.resultBytes ?? (Number(answer.headers.get('content-length')) || undefined);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      options.onProgress?.({ bytes, total });
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(answer.body as WebReadableStream), counter, destination, { signal: options.signal });
  if (total !== undefined && bytes !== total) throw new Error(`Job ${job.jobId}'s result was cut short: ${bytes} of ${total} bytes`);
  return { bytes };
}
