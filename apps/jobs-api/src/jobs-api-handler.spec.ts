import { cryptoIdGenerator } from '@async-jobs/adapters';
import { builtInJobTypes, type Job } from '@async-jobs/domain';
import { createLogger, Metrics } from '@async-jobs/platform';
import {
  aLambdaContext,
  anApiRequest,
  CapturedLogs,
  deployedDeadlines,
  FakeClock,
  InMemoryJobRepository,
  anUnavailableRepository,
  anEntry,
} from '@async-jobs/testing';
import Ajv from 'ajv';
import { createJobsApiHandler, type JobsApiDeps } from './jobs-api-handler';
import { JOB_VIEW_SCHEMA } from './openapi-document';

const UNKNOWN_ID = '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21';
const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB_SESSION = 'arn:aws:sts::123456789012:assumed-role/payments-callers/bob';
const BOB_ROLE = 'arn:aws:iam::123456789012:role/payments-callers';
const OPS_ROLE = 'arn:aws:iam::123456789012:role/ops';
const OPS_SESSION = 'arn:aws:sts::123456789012:assumed-role/ops/oncall-carol';

/** In memory: the store's semantics are the adapters' to prove against DynamoDB Local; here, the API's behaviour. */
describe('jobs-api handler', () => {
  let repository: InMemoryJobRepository;
  let clock: FakeClock;
  let logs: CapturedLogs;
  let handle: ReturnType<typeof createJobsApiHandler>;
  let deps: JobsApiDeps;

  beforeAll(async () => {
    repository = new InMemoryJobRepository();
    clock = new FakeClock(new Date());
    logs = new CapturedLogs();
    deps = {
      logger: createLogger({ service: 'jobs-api', destination: logs, level: 'debug' }),
      metrics: new Metrics({ service: 'jobs-api', destination: logs }),
      repository,
      registry: builtInJobTypes({ sleepMaxSeconds: 300 }),
      ids: cryptoIdGenerator,
      clock,
      consumers: ['a', 'b'],
      retentionDays: 30,
      deadlines: deployedDeadlines,
      maxBodyBytes: 1024,
      callers: { identity: 'iam', operators: [OPS_ROLE] },
      resultLinks: {
        linkTo: async (stored) => ({ url: `https://results.example/${stored.key}?signed`, expiresAt: '2030-01-01T00:15:00.000Z' }),
      },
    };
    handle = createJobsApiHandler(deps);
  });
  /** What the store holds: every job and every idempotency key. */
  const items = (): Record<string, unknown>[] => [...repository.jobs.values(), ...repository.idempotency.values()] as never[];

  const post = (body: string | null, headers?: Record<string, string>) =>
    handle(anApiRequest({ method: 'POST', path: '/jobs', body, headers }), aLambdaContext());
  const get = (jobId: string) =>
    handle(anApiRequest({ method: 'GET', path: `/jobs/${jobId}`, resource: '/jobs/{jobId}', pathParameters: { jobId } }), aLambdaContext());

  describe('POST /jobs', () => {
    it("accepts the reference sample's body with 202, the job id under jobId and id, and a Location", async () => {
      const response = await post('{"seconds": 2}');

      expect(response.statusCode).toBe(202);
      const body = JSON.parse(response.body);
      expect(body).toEqual({
        jobId: expect.any(String),
        id: body.jobId,
        type: 'sleep',
        status: 'PENDING',
        links: { self: `/test/jobs/${body.jobId}` },
      });
      expect(response.headers).toMatchObject({ Location: `/test/jobs/${body.jobId}`, 'Content-Type': 'application/json' });
      const stored = items().find((item) => item['id'] === body.jobId);
      expect(stored).toMatchObject({
        type: 'sleep',
        input: { seconds: 2 },
        version: 1,
        consumers: { a: { status: 'PENDING' }, b: { status: 'PENDING' } },
      });
    });

    it('accepts the general form with a type and input', async () => {
      const response = await post(JSON.stringify({ type: 'sleep', input: { seconds: 1 } }), {
        'content-type': 'application/json; charset=utf-8',
      });
      expect(response.statusCode).toBe(202);
    });

    it("accepts a JSON body sent with curl's default form content type", async () => {
      expect((await post('{"seconds":1}', { 'Content-Type': 'application/x-www-form-urlencoded' })).statusCode).toBe(202);
    });

    it('logs the submission with the job id and request id, never the body', async () => {
      const response = await post('{"seconds": 7}');
      const { jobId } = JSON.parse(response.body);
      const line = logs.find('job submitted').find((l) => l['jobId'] === jobId);
      expect(line).toMatchObject({ requestId: expect.any(String), jobType: 'sleep', to: 'PENDING' });
      expect(JSON.stringify(logs.lines.filter((l) => l['jobId'] === jobId))).not.toContain('"seconds"');
    });
  });

  describe('bad input: a specific 4xx with a stable code, and nothing written', () => {
    const cases: [string, () => ReturnType<typeof post>, number, string, string?][] = [
      ['malformed JSON', () => post('{"seconds": '), 400, 'MALFORMED_JSON'],
      ['truncated JSON', () => post('{"seconds": 1'), 400, 'MALFORMED_JSON'],
      ['an empty body', () => post(''), 400, 'MISSING_BODY'],
      ['no body', () => post(null), 400, 'MISSING_BODY'],
      ['an array', () => post('[1]'), 400, 'VALIDATION_FAILED', ''],
      ['a scalar', () => post('5'), 400, 'VALIDATION_FAILED', ''],
      ['JSON null', () => post('null'), 400, 'VALIDATION_FAILED', ''],
      ['an empty object', () => post('{}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['seconds 0', () => post('{"seconds":0}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['seconds -1', () => post('{"seconds":-1}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['seconds 1.5', () => post('{"seconds":1.5}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['seconds "5"', () => post('{"seconds":"5"}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['a huge number', () => post('{"seconds":1e400}'), 400, 'VALIDATION_FAILED', '/seconds'],
      ['an extra field', () => post('{"seconds":1,"priority":9}'), 400, 'VALIDATION_FAILED', '/priority'],
      ['an unknown job type', () => post('{"type":"resize","input":{}}'), 400, 'UNKNOWN_JOB_TYPE', '/type'],
      ['a type without input', () => post('{"type":"sleep"}'), 400, 'VALIDATION_FAILED', '/input'],
      ['input of the wrong shape', () => post('{"type":"sleep","input":{"seconds":"x"}}'), 400, 'VALIDATION_FAILED', '/input/seconds'],
      ['an oversized body', () => post(JSON.stringify({ seconds: 1, pad: 'x'.repeat(2000) })), 413, 'PAYLOAD_TOO_LARGE'],
      ['a non-JSON content type', () => post('{"seconds":1}', { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['XML', () => post('<seconds>1</seconds>', { 'Content-Type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'a form body that is not JSON',
        () => post('seconds=1', { 'Content-Type': 'application/x-www-form-urlencoded' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['no content type', () => post('{"seconds":1}', {}), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'an unknown route',
        () => handle(anApiRequest({ method: 'POST', path: '/jobz', body: '{}' }), aLambdaContext()),
        404,
        'ROUTE_NOT_FOUND',
      ],
      [
        'a nested unknown route',
        () => handle(anApiRequest({ method: 'GET', path: '/jobs/a/b' }), aLambdaContext()),
        404,
        'ROUTE_NOT_FOUND',
      ],
      [
        'a wrong method',
        () => handle(anApiRequest({ method: 'DELETE', path: '/jobs', body: '{}' }), aLambdaContext()),
        405,
        'METHOD_NOT_ALLOWED',
      ],
      [
        'a stray query parameter',
        () =>
          handle(
            { ...anApiRequest({ method: 'POST', path: '/jobs', body: '{"seconds":1}' }), queryStringParameters: { wait: 'true' } },
            aLambdaContext(),
          ),
        400,
        'VALIDATION_FAILED',
        '?wait',
      ],
    ];

    const rows = cases.map(([name, send, status, code, field]) => ({ name, send, status, code, field }));

    it.each(rows)('refuses $name', async ({ send, status, code, field }) => {
      const before = items().length;
      const [refused, failed, apiErrors] = [
        logs.find('request refused').length,
        logs.find('request failed').length,
        logs.metric('ApiErrors').length,
      ];

      const response = await send();

      expect(response.statusCode).toBe(status);
      const body = JSON.parse(response.body);
      expect(body.error).toMatchObject({ code, message: expect.any(String) });
      if (field !== undefined) expect(body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(items().length).toBe(before);
      // The caller's mistake is a warning with its code, never an error line or a count the ApiErrors alarm watches.
      expect(logs.find('request refused').slice(refused)).toEqual([expect.objectContaining({ level: 'warn', code })]);
      expect([logs.find('request failed').length, logs.metric('ApiErrors').length]).toEqual([failed, apiErrors]);
    });

    it("ends every request with one line naming its route, status and job, and answers with the request's id", async () => {
      const submit = anApiRequest({ method: 'POST', path: '/jobs', body: '{"seconds":1}' });
      const accepted = await handle(submit, aLambdaContext());
      const jobId = JSON.parse(accepted.body).jobId;
      const cancel = anApiRequest({
        method: 'POST',
        path: `/jobs/${jobId}/cancel`,
        resource: '/jobs/{jobId}/cancel',
        pathParameters: { jobId },
      });
      const cancelled = await handle(cancel, aLambdaContext());

      for (const [event, response, route, status] of [
        [submit, accepted, 'submitJob', 202],
        [cancel, cancelled, 'cancelJob', 200],
      ] as const) {
        expect(response.headers?.['X-Request-Id']).toBe(event.requestContext.requestId);
        const lines = logs.lines.filter((line) => line['requestId'] === event.requestContext.requestId);
        expect(lines.at(-1)).toMatchObject({ message: 'request handled', method: 'POST', route, status, jobId });
        expect(lines.filter((line) => line['message'] === 'request handled')).toHaveLength(1);
      }
    });

    it('names the allowed methods on 405', async () => {
      const response = await handle(
        anApiRequest({ method: 'PUT', path: '/jobs/x', resource: '/jobs/{jobId}', pathParameters: { jobId: 'x' } }),
        aLambdaContext(),
      );
      expect(response.statusCode).toBe(405);
      expect(response.headers?.['Allow']).toBe('GET');
    });
  });

  describe('GET /jobs/{jobId}', () => {
    it('returns the job view with per-consumer status and the derived status', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);

      const response = await get(jobId);

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({
        jobId,
        id: jobId,
        type: 'sleep',
        status: 'PENDING',
        input: { seconds: 3 },
        consumers: {
          a: { status: 'PENDING', attempts: 0, updatedAt: expect.any(String) },
          b: { status: 'PENDING', attempts: 0, updatedAt: expect.any(String) },
        },
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        owner: ALICE,
      });
    });

    it('links a stored result (presigned, with its size and type) and returns a small one inline', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      const job = await repository.get(jobId);
      const stored = { key: `results/${jobId}/a/t.json`, bytes: 2_097_152, contentType: 'application/json' };
      repository.jobs.set(jobId, {
        ...(job as Job),
        consumers: {
          a: anEntry({ status: 'SUCCEEDED', resultRef: stored }),
          b: anEntry({ status: 'SUCCEEDED', result: { sleptSeconds: 3 } }),
        },
      });

      const { consumers } = JSON.parse((await get(jobId)).body);

      expect(consumers.a).toEqual(
        expect.objectContaining({
          resultUrl: `https://results.example/results/${jobId}/a/t.json?signed`,
          resultUrlExpiresAt: '2030-01-01T00:15:00.000Z',
          resultBytes: 2_097_152,
          resultContentType: 'application/json',
        }),
      );
      expect(consumers.a).not.toHaveProperty('result');
      expect(consumers.b.result).toEqual({ sleptSeconds: 3 });
      expect(consumers.b).not.toHaveProperty('resultUrl');
    });

    it('answers 404 with an error body for an unknown id', async () => {
      const response = await get(UNKNOWN_ID);
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'JOB_NOT_FOUND', message: `No job with id ${UNKNOWN_ID}` } });
    });

    it.each(['abc', 'x'.repeat(300), '..%2F..%2Fetc', '%E0%A4%A', UNKNOWN_ID.toUpperCase(), `${UNKNOWN_ID}0`])(
      'answers 400 INVALID_JOB_ID for %s',
      async (jobId) => {
        const response = await get(jobId);
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body).error).toMatchObject({
          code: 'INVALID_JOB_ID',
          details: [{ field: 'jobId', code: 'INVALID_FORMAT' }],
        });
      },
    );
  });

  describe('POST /jobs/{jobId}/cancel', () => {
    const cancel = (jobId: string) =>
      handle(
        anApiRequest({ method: 'POST', path: `/jobs/${jobId}/cancel`, resource: '/jobs/{jobId}/cancel', pathParameters: { jobId } }),
        aLambdaContext(),
      );

    it('cancels every unfinished consumer and answers with the job, idempotently', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);

      const first = await cancel(jobId);
      const again = await cancel(jobId);

      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body)).toMatchObject({
        jobId,
        status: 'CANCELLED',
        consumers: { a: { status: 'CANCELLED' }, b: { status: 'CANCELLED' } },
      });
      expect(again.statusCode).toBe(200);
      expect(JSON.parse(again.body).version).toBe(JSON.parse(first.body).version);
      expect(logs.find('job cancelled').some((l) => l['jobId'] === jobId)).toBe(true);
    });

    it('refuses to cancel a finished job with 409', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      for (const consumerId of ['a', 'b']) {
        await deps.repository.applyChange(jobId, {
          expect: { entries: {} },
          entries: { [consumerId]: { set: { status: 'SUCCEEDED' } } },
          updatedAt: new Date().toISOString(),
        });
      }
      const response = await cancel(jobId);
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body).error.code).toBe('JOB_ALREADY_FINISHED');
    });

    it('answers 404 for an unknown job and 400 for a malformed id', async () => {
      expect((await cancel(UNKNOWN_ID)).statusCode).toBe(404);
      expect((await cancel('nope')).statusCode).toBe(400);
      expect(items().some((item) => item['id'] === UNKNOWN_ID)).toBe(false);
    });
  });

  describe('POST /jobs/{jobId}/retry', () => {
    const retry = (jobId: string) =>
      handle(
        anApiRequest({ method: 'POST', path: `/jobs/${jobId}/retry`, resource: '/jobs/{jobId}/retry', pathParameters: { jobId } }),
        aLambdaContext(),
      );
    /** The job as its runs left it: three attempts each, FAILED or SUCCEEDED. */
    const endAs = async (jobId: string, statuses: Record<string, 'FAILED' | 'SUCCEEDED'>) => {
      const job = repository.jobs.get(jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      for (const [consumerId, status] of Object.entries(statuses)) {
        const error = status === 'FAILED' ? { error: { code: 'RUN_TIMED_OUT', message: 'too slow' } } : {};
        job.consumers[consumerId] = { ...job.consumers[consumerId], status, attempts: 3, ...error };
      }
    };

    it('answers 202 with the FAILED consumers PENDING again, their failure kept as lastError, and logs it', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      await endAs(jobId, { a: 'FAILED', b: 'SUCCEEDED' });

      const response = await retry(jobId);

      expect(response.statusCode).toBe(202);
      expect(response.headers?.['Location']).toBe(`/jobs/${jobId}`);
      expect(JSON.parse(response.body)).toMatchObject({
        status: 'RUNNING',
        consumers: { a: { status: 'PENDING', attempts: 3, lastError: { code: 'RUN_TIMED_OUT' } }, b: { status: 'SUCCEEDED' } },
      });
      expect(logs.find('job retried')).toEqual([expect.objectContaining({ jobId, from: 'FAILED', to: 'PENDING', consumers: ['a'] })]);
    });

    it('refuses a job with nothing to retry with 409 NOTHING_TO_RETRY, writing nothing', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      const running = await retry(jobId);
      await endAs(jobId, { a: 'SUCCEEDED', b: 'SUCCEEDED' });
      const version = repository.jobs.get(jobId)?.version;
      const succeeded = await retry(jobId);

      for (const response of [running, succeeded]) {
        expect(response.statusCode).toBe(409);
        expect(JSON.parse(response.body).error).toMatchObject({
          code: 'NOTHING_TO_RETRY',
          message: expect.stringContaining('only a job that ended FAILED'),
        });
      }
      expect(repository.jobs.get(jobId)?.version).toBe(version);
    });

    it('answers 404 for an unknown job and 400 for a malformed id', async () => {
      expect((await retry(UNKNOWN_ID)).statusCode).toBe(404);
      expect((await retry('nope')).statusCode).toBe(400);
    });
  });

  describe('POST /jobs with an Idempotency-Key', () => {
    const postWithKey = (body: string, key: string) => post(body, { 'content-type': 'application/json', 'Idempotency-Key': key });

    it('creates the job once: the same key and body answer 200 with the same job', async () => {
      const before = items().length;
      const first = await postWithKey('{"seconds":3}', 'order-1001');
      const again = await postWithKey('{"seconds":3}', 'order-1001');

      expect(first.statusCode).toBe(202);
      expect(again.statusCode).toBe(200);
      expect(again.headers?.['Idempotent-Replayed']).toBe('true');
      expect(JSON.parse(again.body).jobId).toBe(JSON.parse(first.body).jobId);
      expect(items().length).toBe(before + 2); // the job and its key, once
    });

    it('refuses the same key with another body with 409, writing nothing', async () => {
      await postWithKey('{"seconds":3}', 'order-1002');
      const before = items().length;
      const response = await postWithKey('{"seconds":4}', 'order-1002');
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(items().length).toBe(before);
    });

    it('refuses a malformed key naming the header', async () => {
      const response = await postWithKey('{"seconds":3}', 'x'.repeat(200));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    });
  });

  describe('GET /jobs', () => {
    const list = (query: Record<string, string[]>) =>
      handle(
        {
          ...anApiRequest({ method: 'GET', path: '/jobs' }),
          multiValueQueryStringParameters: query,
          queryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1]])),
        },
        aLambdaContext(),
      );

    it('lists jobs newest first, filtered by type and status, a page at a time', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(JSON.parse((await post('{"type":"noop","input":{}}')).body).jobId);
        clock.advance(1000); // newest first: each job a second younger than the next
      }
      await handle(
        anApiRequest({
          method: 'POST',
          path: `/jobs/${ids[1]}/cancel`,
          resource: '/jobs/{jobId}/cancel',
          pathParameters: { jobId: ids[1] },
        }),
        aLambdaContext(),
      );

      const first = await list({ type: ['noop'], limit: ['2'] });
      expect(first.statusCode).toBe(200);
      const page = JSON.parse(first.body);
      expect(page.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([ids[2], ids[1]]);
      const second = JSON.parse((await list({ type: ['noop'], limit: ['2'], nextToken: [page.nextToken] })).body);
      expect(second.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([ids[0]]);

      const cancelled = JSON.parse((await list({ type: ['noop'], status: ['CANCELLED'] })).body);
      expect(cancelled.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([ids[1]]);
    });

    it.each([
      [{ status: ['done'] }, '?status'],
      [{ limit: ['1000'] }, '?limit'],
      [{ type: ['noop', 'sleep'] }, '?type'],
      [{ sort: ['asc'] }, '?sort'],
      [{ nextToken: ['not-ours'] }, '?nextToken'],
    ])('refuses %j with 400 naming the parameter', async (query, field) => {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('owners', () => {
    const as = (signedBy: string | null, request: Parameters<typeof anApiRequest>[0]) =>
      handle(anApiRequest({ ...request, signedBy }), aLambdaContext());
    const submitAs = async (signedBy: string) =>
      JSON.parse((await as(signedBy, { method: 'POST', path: '/jobs', body: '{"type":"noop","input":{}}' })).body).jobId as string;
    const getAs = (signedBy: string, jobId: string) =>
      as(signedBy, { method: 'GET', path: `/jobs/${jobId}`, resource: '/jobs/{jobId}', pathParameters: { jobId } });
    const cancelAs = (signedBy: string, jobId: string) =>
      as(signedBy, { method: 'POST', path: `/jobs/${jobId}/cancel`, resource: '/jobs/{jobId}/cancel', pathParameters: { jobId } });
    const listAs = (signedBy: string, query: Record<string, string[]> = {}) =>
      as(signedBy, { method: 'GET', path: '/jobs', multiValueQueryStringParameters: query });
    const listed = async (signedBy: string, query: Record<string, string[]> = {}) =>
      JSON.parse((await listAs(signedBy, { limit: ['100'], ...query })).body).jobs.map((j: { jobId: string }) => j.jobId) as string[];

    it("records the caller's identity on the job; a role's sessions are one owner", async () => {
      const jobId = await submitAs(BOB_SESSION);
      const stored = items().find((item) => item['id'] === jobId);
      expect(stored?.['owner']).toEqual({
        principal: BOB_ROLE,
        userArn: BOB_SESSION,
        caller: 'payments-callers:bob',
        accountId: '123456789012',
      });
      expect(
        JSON.parse((await getAs('arn:aws:sts::123456789012:assumed-role/payments-callers/another-session', jobId)).body),
      ).toMatchObject({ jobId, owner: BOB_ROLE });
    });

    it("answers another owner's job with the very 404 of a missing one, and cancels nothing", async () => {
      const jobId = await submitAs(ALICE);
      const foreign = await getAs(BOB_SESSION, jobId);
      const missing = await getAs(BOB_SESSION, UNKNOWN_ID);
      expect([foreign.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(foreign.body.replace(jobId, '<id>')).toBe(missing.body.replace(UNKNOWN_ID, '<id>'));
      expect(Object.keys(foreign.headers ?? {}).sort()).toEqual(Object.keys(missing.headers ?? {}).sort());

      const cancel = await cancelAs(BOB_SESSION, jobId);
      expect(cancel.statusCode).toBe(404);
      expect(JSON.parse((await getAs(ALICE, jobId)).body)).toMatchObject({ status: 'PENDING', version: 1 });
    });

    it("lists each caller's own jobs, from its own index partition", async () => {
      const alices = await submitAs(ALICE);
      const bobs = await submitAs(BOB_SESSION);
      expect(await listed(ALICE)).toContain(alices);
      expect(await listed(ALICE)).not.toContain(bobs);
      expect(await listed(BOB_SESSION)).toEqual(expect.arrayContaining([bobs]));
      expect(await listed(BOB_SESSION)).not.toContain(alices);
      const refused = await listAs(ALICE, { owner: [BOB_ROLE] });
      expect([refused.statusCode, JSON.parse(refused.body).error.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('lets operators read, list and cancel every job, and logs each such action with who did it', async () => {
      const jobId = await submitAs(ALICE);
      expect((await getAs(OPS_SESSION, jobId)).statusCode).toBe(200);
      expect(await listed(OPS_SESSION, { owner: [ALICE] })).toContain(jobId);
      expect(await listed(OPS_SESSION)).toContain(jobId);
      const cancelled = await cancelAs(OPS_SESSION, jobId);
      expect(JSON.parse(cancelled.body)).toMatchObject({ status: 'CANCELLED', owner: ALICE, cancelledBy: OPS_ROLE });

      const actions = logs.find('operator action').filter((l) => l['jobId'] === jobId || l['action'] === 'list');
      expect(actions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'get', jobId, operator: OPS_SESSION, owner: ALICE, principal: OPS_ROLE }),
          expect.objectContaining({ action: 'list', owner: ALICE, operator: OPS_SESSION }),
          expect.objectContaining({ action: 'list', owner: 'every owner', operator: OPS_SESSION }),
          expect.objectContaining({ action: 'cancel', jobId, operator: OPS_SESSION, owner: ALICE }),
        ]),
      );
      // A caller reading its own job is no operator action.
      await getAs(ALICE, jobId);
      expect(logs.find('operator action').filter((l) => l['operator'] === ALICE)).toEqual([]);
    });

    it('scopes Idempotency-Keys by owner', async () => {
      const body = '{"type":"noop","input":{}}';
      const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': 'shared-key-1' };
      const first = await as(ALICE, { method: 'POST', path: '/jobs', body, headers });
      const other = await as(BOB_SESSION, { method: 'POST', path: '/jobs', body, headers });
      expect([first.statusCode, other.statusCode]).toEqual([202, 202]);
      expect(JSON.parse(other.body).jobId).not.toBe(JSON.parse(first.body).jobId);
    });

    it('refuses a request that carries no IAM identity, and writes nothing', async () => {
      const before = items().length;
      const response = await as(null, { method: 'POST', path: '/jobs', body: '{"seconds":1}' });
      expect([response.statusCode, JSON.parse(response.body).error.code]).toEqual([403, 'FORBIDDEN']);
      expect(items().length).toBe(before);
    });

    it('names the principal on every line of every request', async () => {
      const jobId = await submitAs(BOB_SESSION);
      const requests = [
        anApiRequest({ method: 'POST', path: '/jobs', body: '{"type":"noop","input":{}}', signedBy: BOB_SESSION }),
        anApiRequest({ method: 'GET', path: '/jobs', signedBy: BOB_SESSION }),
        anApiRequest({
          method: 'GET',
          path: `/jobs/${jobId}`,
          resource: '/jobs/{jobId}',
          pathParameters: { jobId },
          signedBy: BOB_SESSION,
        }),
        anApiRequest({
          method: 'POST',
          path: `/jobs/${jobId}/cancel`,
          resource: '/jobs/{jobId}/cancel',
          pathParameters: { jobId },
          signedBy: BOB_SESSION,
        }),
        anApiRequest({
          method: 'GET',
          path: `/jobs/${UNKNOWN_ID}`,
          resource: '/jobs/{jobId}',
          pathParameters: { jobId: UNKNOWN_ID },
          signedBy: BOB_SESSION,
        }),
      ];
      for (const event of requests) {
        await handle(event, aLambdaContext());
        const lines = logs.lines.filter((l) => l['requestId'] === event.requestContext.requestId);
        expect(lines.length).toBeGreaterThanOrEqual(1);
        expect(lines.filter((l) => l['principal'] !== BOB_ROLE)).toEqual([]);
      }
    });

    it('reads a foreign job exactly as a missing one, to get and to cancel: one read, no write', async () => {
      const jobId = await submitAs(ALICE);
      const callsOf = async (request: () => Promise<unknown>) => {
        repository.calls.length = 0;
        await request();
        return [...repository.calls];
      };
      const foreignGet = await callsOf(() => getAs(BOB_SESSION, jobId));
      const missingGet = await callsOf(() => getAs(BOB_SESSION, UNKNOWN_ID));
      const foreignCancel = await callsOf(() => cancelAs(BOB_SESSION, jobId));
      const missingCancel = await callsOf(() => cancelAs(BOB_SESSION, UNKNOWN_ID));
      // The adapter makes `get` one consistent GetItem (dynamodb-job-repository.spec.ts).
      expect(foreignGet).toEqual(['get']);
      expect(missingGet).toEqual(foreignGet);
      expect(foreignCancel).toEqual(['get']);
      expect(missingCancel).toEqual(foreignCancel);
    });

    it("lets an operator name an owner by one of its sessions: the jobs are the role's", async () => {
      const bobs = await submitAs(BOB_SESSION);
      expect(await listed(OPS_SESSION, { owner: ['arn:aws:sts::123456789012:assumed-role/payments-callers/another-session'] })).toContain(
        bobs,
      );
      expect(await listed(OPS_SESSION, { owner: ['arn:aws:iam::123456789012:role/team/payments-callers'] })).toContain(bobs);
    });
  });

  describe('ETag and If-None-Match', () => {
    it('answers 304 while the job is unchanged and 200 with a new ETag once it changed', async () => {
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      const first = await get(jobId);
      const etag = first.headers?.['ETag'] as string;
      expect(etag).toMatch(/^".+\.1"$/);

      const conditional = (tag: string) =>
        handle(
          anApiRequest({
            method: 'GET',
            path: `/jobs/${jobId}`,
            resource: '/jobs/{jobId}',
            pathParameters: { jobId },
            headers: { 'If-None-Match': tag },
          }),
          aLambdaContext(),
        );
      const unchanged = await conditional(etag);
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.body).toBe('');

      await handle(
        anApiRequest({ method: 'POST', path: `/jobs/${jobId}/cancel`, resource: '/jobs/{jobId}/cancel', pathParameters: { jobId } }),
        aLambdaContext(),
      );
      const changed = await conditional(etag);
      expect(changed.statusCode).toBe(200);
      expect(changed.headers?.['ETag']).not.toBe(etag);
    });
  });

  describe('responses match the OpenAPI document', () => {
    it('serves the document and every job view validates against its JobView schema', async () => {
      const served = await handle(anApiRequest({ method: 'GET', path: '/openapi.json' }), aLambdaContext());
      expect(served.statusCode).toBe(200);
      expect(JSON.parse(served.body).openapi).toBe('3.0.3');

      const validate = new Ajv({ strict: false, validateFormats: false }).compile(JOB_VIEW_SCHEMA);
      const { jobId } = JSON.parse((await post('{"seconds":3}')).body);
      for (const response of [
        await get(jobId),
        await handle(
          anApiRequest({ method: 'POST', path: `/jobs/${jobId}/cancel`, resource: '/jobs/{jobId}/cancel', pathParameters: { jobId } }),
          aLambdaContext(),
        ),
      ]) {
        expect([validate(JSON.parse(response.body)), validate.errors]).toEqual([true, null]);
      }
    });
  });

  describe('CORS', () => {
    const withOrigin = (method: string, origin: string, allowed?: string[]) =>
      createJobsApiHandler({ ...deps, corsAllowedOrigins: allowed })(
        anApiRequest({
          method,
          path: '/jobs',
          body: method === 'POST' ? '{"seconds":1}' : null,
          headers: { 'content-type': 'application/json', Origin: origin },
        }),
        aLambdaContext(),
      );

    it('is off by default: no CORS headers, and a preflight is a 405', async () => {
      const response = await withOrigin('POST', 'https://app.example.com');
      expect(response.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
      expect((await withOrigin('OPTIONS', 'https://app.example.com')).statusCode).toBe(405);
    });

    it('answers allowed origins with their headers and preflights, and nobody else', async () => {
      const allowed = ['https://app.example.com'];
      const post = await withOrigin('POST', 'https://app.example.com', allowed);
      expect(post.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://app.example.com', Vary: 'Origin' });
      const preflight = await withOrigin('OPTIONS', 'https://app.example.com', allowed);
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers).toMatchObject({
        'Access-Control-Allow-Methods': 'POST, GET',
        'Access-Control-Allow-Headers': expect.stringContaining('idempotency-key'),
      });
      const stranger = await withOrigin('POST', 'https://evil.example.com', allowed);
      expect(stranger.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
      expect((await withOrigin('OPTIONS', 'https://evil.example.com', allowed)).statusCode).toBe(405);
    });
  });

  describe('when the store is down', () => {
    it('answers 503 with a retry hint, not 500, and logs the failure', async () => {
      const down = anUnavailableRepository();
      const broken = createJobsApiHandler({ ...deps, repository: down });

      const response = await broken(anApiRequest({ method: 'POST', path: '/jobs', body: '{"seconds":1}' }), aLambdaContext());

      expect(response.statusCode).toBe(503);
      expect(response.headers?.['Retry-After']).toBe('1');
      expect(JSON.parse(response.body).error.code).toBe('SERVICE_UNAVAILABLE');
      expect(logs.find('request failed').at(-1)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', level: 'error' });
      expect(logs.metric('ApiErrors').at(-1)).toMatchObject({ route: 'submitJob', ApiErrors: 1 });
    });
  });
});
