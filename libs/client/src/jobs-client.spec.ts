import { RunningLocalSystem } from '@async-jobs/local-services';
import { JobsApiError, WaitTimeoutError } from './jobs-api-error';
import { JobsClient } from './jobs-client';
import { localSystemClientOptions } from './local-system-options';

describe('JobsClient against the local system with SigV4 required', () => {
  let system: RunningLocalSystem;
  let client: JobsClient;

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--auth', '--faults']);
    // As bob: a role session, so that the SDK signer's session token is checked too.
    client = new JobsClient({ ...localSystemClientOptions({ principal: 'bob', stateFile: system.stateFile }), endpoint: system.apiUrl });
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
  });

  it('submits signed, waits with progress, and reads the finished job', async () => {
    const accepted = await client.submitJob({ type: 'sleep', input: { seconds: 1 } });
    expect(accepted).toMatchObject({ status: 'PENDING', type: 'sleep' });
    const seen: { status: string; version: number }[] = [];

    const done = await client.waitFor(accepted.jobId, {
      pollMs: 100,
      onProgress: (job) => seen.push({ status: job.status, version: job.version }),
    });

    expect(done.status).toBe('SUCCEEDED');
    expect(seen[seen.length - 1].status).toBe('SUCCEEDED');
    // Unchanged polls were 304s: each report is a new version of the job.
    const versions = seen.map((s) => s.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect((await client.getJob(accepted.jobId)).consumers['a'].result).toEqual({ sleptSeconds: 1 });
  });

  it('gets a result wherever it is kept: a stored one (over 32 KiB) fetched from its link and parsed', async () => {
    const { jobId } = await client.submitJob({ type: 'sample-export', input: { kilobytes: 100 } });
    await client.waitFor(jobId, { pollMs: 100 });

    const result = (await client.getResult(jobId, { consumerId: 'b' })) as { kilobytes: number; rows: { row: number }[] };
    expect(result.kilobytes).toBe(100);
    expect(result.rows).toHaveLength(100);
    expect(result.rows[99].row).toBe(100_099);
    expect((await client.getJob(jobId)).consumers['b'].resultBytes).toBe(Buffer.byteLength(JSON.stringify(result)));
  });

  it('sends one signed request and hands back any answer as it came: a refusal, a conditional 304', async () => {
    const refused = await client.send('POST', 'jobs', { body: '{"seconds":0}', headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const { jobId } = await client.submitJob({ type: 'noop', input: {} });
    await client.waitFor(jobId, { pollMs: 100 }); // finished: its version, so its ETag, stays
    const first = await client.send('GET', `jobs/${jobId}`);
    const again = await client.send('GET', `jobs/${jobId}`, { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect([first.status, again.status]).toEqual([200, 304]);
    const listed = await client.send('GET', 'jobs', { query: { type: 'noop', limit: '5' } });
    expect(((await listed.json()) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId)).toContain(jobId);
  });

  it('signs a path with percent escapes as AWS reads it: an id that is no UUID is the API’s 400, not a bad signature', async () => {
    for (const id of ['a b', 'a/b', 'é']) {
      await expect(client.getJob(id)).rejects.toMatchObject({ status: 400, code: 'INVALID_JOB_ID' });
    }
  });

  it('lists and cancels', async () => {
    const { jobId } = await client.submitJob({ seconds: 5 });
    const cancelled = await client.cancelJob(jobId);
    expect(cancelled.status).toBe('CANCELLED');
    const page = await client.listJobs({ status: 'CANCELLED', limit: 10 });
    expect(page.jobs.map((j) => j.jobId)).toContain(jobId);
  });

  it('turns error answers into JobsApiError with the code and fields, without retrying them', async () => {
    const error = await client.submitJob({ seconds: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobsApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      retryable: false,
      details: [expect.objectContaining({ field: '/seconds' })],
    });
    await expect(client.getJob('3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21')).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
  });

  it('is refused with wrong credentials', async () => {
    const stranger = new JobsClient({
      endpoint: system.apiUrl,
      region: system.state.region,
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(stranger.listJobs()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const bob = system.state.principals?.find((p) => p.name === 'bob');
    const wrongSecret = new JobsClient({
      endpoint: system.apiUrl,
      region: system.state.region,
      credentials: { accessKeyId: bob?.accessKeyId ?? '', secretAccessKey: 'x', sessionToken: bob?.sessionToken },
      maxAttempts: 1,
    });
    await expect(wrongSecret.listJobs()).rejects.toMatchObject({ status: 403, code: 'INVALID_SIGNATURE' });
  });

  it('retries answers that say "try again" and gives up after its attempts', async () => {
    let calls = 0;
    const flaky = new JobsClient({ endpoint: 'http://127.0.0.1:9', sign: false, maxAttempts: 3, baseDelayMs: 1 });
    const original = globalThis.fetch;
    globalThis.fetch = (async () => {
      calls += 1;
      return new Response(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'busy' } }), { status: 503 });
    }) as typeof fetch;
    try {
      await expect(flaky.listJobs()).rejects.toMatchObject({ status: 503, retryable: true });
      expect(calls).toBe(3);
    } finally {
      globalThis.fetch = original;
    }
  });

  it('retries a submit whose answer was lost without creating the job twice', async () => {
    const before = (await client.listJobs({ limit: 100 })).jobs.length;
    const original = globalThis.fetch;
    let lost = 0;
    // The first POST reaches the API and creates the job; its answer never reaches the client.
    globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
      const answer = await original(...args);
      if (args[1]?.method === 'POST' && lost++ === 0) throw new TypeError('fetch failed');
      return answer;
    }) as typeof fetch;
    let accepted;
    try {
      accepted = await client.submitJob({ type: 'noop', input: {} });
    } finally {
      globalThis.fetch = original;
    }
    expect(lost).toBe(2);
    const jobs = (await client.listJobs({ limit: 100 })).jobs;
    expect(jobs).toHaveLength(before + 1);
    expect(jobs[0].jobId).toBe(accepted.jobId);
  });

  it('stops waiting when the time runs out', async () => {
    const { jobId } = await client.submitJob({ seconds: 3 });
    await expect(client.waitFor(jobId, { timeoutMs: 300, pollMs: 100 })).rejects.toBeInstanceOf(WaitTimeoutError);
  });
});
