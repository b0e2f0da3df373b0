import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { JobView } from './api-types';
import { NoResultError, ResultLinkExpiredError, resultConsumer, writeResult } from './result-download';

const JOB_ID = '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21';

function aView(consumers: JobView['consumers']): JobView {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    jobId: JOB_ID,
    id: JOB_ID,
    type: 'sample-export',
    status: 'SUCCEEDED',
    input: {},
    consumers,
    version: 3,
    createdAt: at,
    updatedAt: at,
  };
}

const sink = () => {
  const chunks: Buffer[] = [];
  return { chunks, stream: new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) }) };
};

describe('writing a result', () => {
  // Stands in for S3: answers each path as told.
  let server: Server;
  let base: string;
  const answers: Record<string, { status: number; body: string; length?: number }> = {};
  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = answers[request.url ?? ''] ?? { status: 404, body: '' };
      response.writeHead(answer.status, { 'content-length': String(answer.length ?? Buffer.byteLength(answer.body)) });
      // A shorter body than announced: the connection ends early.
      response.end(answer.body);
      if (answer.length !== undefined) request.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('streams a stored result from its link, telling its progress', async () => {
    answers['/ok'] = { status: 200, body: '{"rows":[1,2,3]}' };
    const view = aView({ a: { status: 'SUCCEEDED', attempts: 1, updatedAt: '', resultUrl: `${base}/ok`, resultBytes: 16 } });
    const { chunks, stream } = sink();
    const seen: number[] = [];
    const { bytes } = await writeResult(view, view.consumers['a'], stream, { onProgress: (p) => seen.push(p.bytes) });
    expect(Buffer.concat(chunks).toString()).toBe('{"rows":[1,2,3]}');
    expect(bytes).toBe(16);
    expect(seen[seen.length - 1]).toBe(16);
  });

  it('says an expired link (S3 403) is expired, and how to get a fresh one', async () => {
    answers['/expired'] = { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' };
    const view = aView({ a: { status: 'SUCCEEDED', attempts: 1, updatedAt: '', resultUrl: `${base}/expired`, resultBytes: 16 } });
    const writing = writeResult(view, view.consumers['a'], sink().stream);
    await expect(writing).rejects.toBeInstanceOf(ResultLinkExpiredError);
    await expect(writing).rejects.toThrow(`get the job again for a fresh one (async-jobs get ${JOB_ID} --output <file>)`);
  });

  it('refuses a download cut short of the stored size', async () => {
    answers['/short'] = { status: 200, body: '{"rows":' };
    const view = aView({ a: { status: 'SUCCEEDED', attempts: 1, updatedAt: '', resultUrl: `${base}/short`, resultBytes: 16 } });
    await expect(writeResult(view, view.consumers['a'], sink().stream)).rejects.toThrow('was cut short: 8 of 16 bytes');
  });

  it('serializes an inline result', async () => {
    const view = aView({ a: { status: 'SUCCEEDED', attempts: 1, updatedAt: '', result: { sleptSeconds: 1 } } });
    const { chunks, stream } = sink();
    await writeResult(view, view.consumers['a'], stream);
    expect(Buffer.concat(chunks).toString()).toBe('{"sleptSeconds":1}');
  });
});

describe('resultConsumer', () => {
  const view = aView({
    b: { status: 'SUCCEEDED', attempts: 1, updatedAt: '', result: 'b' },
    a: { status: 'FAILED', attempts: 3, updatedAt: '', error: { code: 'X', message: 'x' } },
  });

  it('takes the first consumer by id that SUCCEEDED, or the one named', () => {
    expect(resultConsumer(view)[0]).toBe('b');
    const both = aView({ b: view.consumers['b'], a: { ...view.consumers['b'], result: 'a' } });
    expect(resultConsumer(both)[0]).toBe('a');
    expect(resultConsumer(view, 'b')[1].result).toBe('b');
  });

  it('names why there is no result', () => {
    expect(() => resultConsumer(view, 'a')).toThrow(new NoResultError(JOB_ID, 'consumer a is FAILED'));
    expect(() => resultConsumer(view, 'c')).toThrow(new NoResultError(JOB_ID, 'it has no consumer c (it has b, a)'));
    expect(() => resultConsumer(aView({ a: view.consumers['a'] }))).toThrow(/no consumer SUCCEEDED \(the job is SUCCEEDED\)/);
  });
});
