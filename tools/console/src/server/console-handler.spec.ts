import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobsClient } from '@async-jobs/client';
import { consoleHandler } from './console-handler';
import type { ConsoleBackend, ConsoleRequest } from './console-types';
import { ReplayWindowError, type FailedEventsArchive } from './failed-events-archive';

/** The handler alone: a stand-in API client records what it is asked to sign and answers as told. */
describe('the console handler', () => {
  const assetsDir = mkdtempSync(join(tmpdir(), 'console-assets-'));
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(assetsDir, 'app.js'), 'console.log(1)');
  writeFileSync(join(assetsDir, 'notes.txt'), 'not served');
  let sent: { identity: string; method: string; path: string; options: Parameters<JobsClient['send']>[2] }[];
  let answer: Response;
  const archive = {
    describe: jest.fn(async () => ({ name: 'archive', eventCount: 2 })),
    replay: jest.fn(async () => {
      throw new ReplayWindowError('to', 'EMPTY_WINDOW', 'to must be after from');
    }),
    owns: (name: string) => name === 'mine',
    describeReplay: jest.fn(async (name: string) => ({ name, state: 'COMPLETED' })),
    recentReplays: jest.fn(async () => []),
  };
  const backend: ConsoleBackend = {
    environment: 'local',
    apiUrl: 'http://127.0.0.1:3000',
    identities: [
      { name: 'alice', principal: 'arn:aws:iam::1:user/alice', operator: false },
      { name: 'ops', principal: 'arn:aws:iam::1:role/ops', operator: true },
    ],
    clientFor: (identity) =>
      ({
        send: async (method: string, path: string, options: Parameters<JobsClient['send']>[2]) => {
          sent.push({ identity, method, path, options });
          return answer.clone();
        },
      }) as unknown as JobsClient,
    archive: archive as unknown as FailedEventsArchive,
  };
  const handle = consoleHandler({ assetsDir, backend });
  const api = { host: 'localhost:3000', 'x-async-jobs-console': '1' };
  const request = (
    method: string,
    target: string,
    headers: Record<string, string> = api,
    body = '',
    remoteAddress = '127.0.0.1',
  ): ConsoleRequest => ({
    method,
    target,
    headers,
    body: Buffer.from(body),
    remoteAddress,
  });
  const json = (body: Buffer | string) => JSON.parse(body.toString());

  beforeEach(() => {
    sent = [];
    answer = new Response('{"jobs":[]}', {
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"v1"', 'set-cookie': 'x=1' },
    });
  });

  it('serves the page with a strict Content-Security-Policy, and only its own files', async () => {
    const page = await handle(request('GET', '/console/', { host: 'localhost:3000' }));
    expect([page.status, page.headers['content-type'], page.body.toString()]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<!doctype html><title>console</title>',
    ]);
    expect(page.headers).toMatchObject({
      'content-security-policy': expect.stringMatching(
        /^default-src 'none'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'$/,
      ),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect((await handle(request('GET', '/console', { host: 'localhost:3000' }))).headers['location']).toBe('/console/');
    for (const target of ['/console/notes.txt', '/console/../package.json', '/console/%2e%2e/package.json'])
      expect((await handle(request('GET', target, { host: 'localhost:3000' }))).status).toBe(404);
    expect((await handle(request('POST', '/console/', { host: 'localhost:3000' }))).status).toBe(405);
  });

  it('answers loopback hosts only, and API calls from its own page only', async () => {
    const status = async (headers: Record<string, string>, target = '/console/api/session') =>
      (await handle(request('GET', target, headers))).status;
    expect(await status(api)).toBe(200);
    expect(await status({ ...api, host: '127.0.0.1:3000' })).toBe(200);
    expect(await status({ ...api, host: '[::1]:3000' })).toBe(200);
    // DNS rebinding: a page of attacker.example resolved to 127.0.0.1 still sends its own host.
    for (const host of ['attacker.example:3000', 'localhost.attacker.example:3000', '127.0.0.1.nip.io:3000', 'xlocalhost:3000'])
      expect(await status({ ...api, host })).toBe(403);
    expect(await status({ host: 'attacker.example:3000' }, '/console/')).toBe(403);
    expect(await status({ host: 'localhost:3000' })).toBe(403);
    expect(await status({ ...api, origin: 'http://localhost:3001' })).toBe(403);
    expect(await status({ ...api, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await status({ ...api, 'sec-fetch-site': 'same-site' })).toBe(403);
    expect(sent).toEqual([]);
  });

  it('answers this machine only, whatever Host another one sends (the local API may listen on every address)', async () => {
    const from = async (remoteAddress: string | undefined) =>
      (await handle({ ...request('GET', '/console/api/jobs'), remoteAddress })).status;
    expect(await from('::1')).toBe(200);
    expect(await from('::ffff:127.0.0.1')).toBe(200);
    for (const remote of ['192.168.1.20', '::ffff:10.0.0.7', 'fe80::1', undefined]) expect(await from(remote)).toBe(403);
    expect(sent).toHaveLength(2);
  });

  it('with an access token, serves API calls only to a page that presents it (kept from the printed address)', async () => {
    const guarded = consoleHandler({ assetsDir, backend, accessToken: 'secret-token' });
    const call = (headers: Record<string, string>) => guarded(request('GET', '/console/api/jobs', { ...api, ...headers }));
    expect((await call({})).status).toBe(403);
    expect((await call({ 'x-async-jobs-console-token': 'wrong-token!' })).status).toBe(403);
    // A cookie would reach every port of localhost: only the header counts.
    expect((await call({ cookie: 'x-async-jobs-console-token=secret-token' })).status).toBe(403);
    expect((await guarded(request('GET', '/console/', { host: 'localhost:4000' }))).status).toBe(200);
    expect((await call({ 'x-async-jobs-console-token': 'secret-token' })).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('signs the API routes only, as the chosen identity, passing on the query, conditional and idempotency headers', async () => {
    const answered = await handle(
      request('GET', '/console/api/jobs?status=FAILED&limit=5', {
        ...api,
        'if-none-match': '"v0"',
        cookie: 'session=1',
        'x-async-jobs-identity': 'ops',
      }),
    );
    expect(sent).toEqual([
      {
        identity: 'ops',
        method: 'GET',
        path: 'jobs',
        options: { query: { status: 'FAILED', limit: '5' }, headers: { 'if-none-match': '"v0"' } },
      },
    ]);
    expect([answered.status, answered.headers['etag'], answered.headers['set-cookie'], json(answered.body)]).toEqual([
      200,
      '"v1"',
      undefined,
      { jobs: [] },
    ]);

    await handle(
      request(
        'POST',
        '/console/api/jobs',
        { ...api, 'content-type': 'application/json', 'idempotency-key': 'k1' },
        '{"type":"noop","input":{}}',
      ),
    );
    expect(sent[1]).toEqual({
      identity: 'alice',
      method: 'POST',
      path: 'jobs',
      options: { query: {}, headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: '{"type":"noop","input":{}}' },
    });
    for (const [method, target] of [
      ['DELETE', '/console/api/jobs/j1'],
      ['POST', '/console/api/jobs/j1/delete'],
      ['GET', '/console/api/_local/stats'],
      ['PUT', '/console/api/jobs'],
    ]) {
      const refused = await handle(request(method, target));
      expect([refused.status, json(refused.body).error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    }
    expect(sent).toHaveLength(2);
    const unknown = await handle(request('GET', '/console/api/jobs', { ...api, 'x-async-jobs-identity': 'mallory' }));
    expect([unknown.status, json(unknown.body).error]).toEqual([
      400,
      {
        code: 'UNKNOWN_IDENTITY',
        message: 'The console cannot act as "mallory"',
        details: [{ field: '/identity', code: 'UNKNOWN_IDENTITY', message: 'The console cannot act as "mallory"' }],
      },
    ]);
  });

  it('passes the API’s refusals and 304s on as they came', async () => {
    answer = new Response(null, { status: 304, headers: { etag: '"v1"' } });
    expect((await handle(request('GET', '/console/api/jobs/j1'))).status).toBe(304);
    answer = new Response('{"error":{"code":"JOB_NOT_FOUND"}}', { status: 404, headers: { 'content-type': 'application/json' } });
    const missing = await handle(request('GET', '/console/api/jobs/j1'));
    expect([missing.status, json(missing.body)]).toEqual([404, { error: { code: 'JOB_NOT_FOUND' } }]);
  });

  it('keeps the archive to operators, refuses a bad window on its field, and describes only its own replays', async () => {
    const asOps = { ...api, 'x-async-jobs-identity': 'ops' };
    const refused = await handle(request('GET', '/console/api/archive'));
    expect([refused.status, json(refused.body).error.code]).toEqual([403, 'FORBIDDEN']);
    expect(archive.describe).not.toHaveBeenCalled();
    expect(json((await handle(request('GET', '/console/api/archive', asOps))).body)).toEqual({ name: 'archive', eventCount: 2 });

    const window = await handle(
      request('POST', '/console/api/replays', asOps, '{"from":"2026-01-02T10:00:00Z","to":"2026-01-02T09:00:00Z"}'),
    );
    expect([window.status, json(window.body).error]).toEqual([
      400,
      {
        code: 'VALIDATION_FAILED',
        message: 'to must be after from',
        details: [{ field: '/to', code: 'EMPTY_WINDOW', message: 'to must be after from' }],
      },
    ]);
    expect(archive.replay).toHaveBeenCalledWith(new Date('2026-01-02T10:00:00Z'), new Date('2026-01-02T09:00:00Z'));
    const malformed = await handle(request('POST', '/console/api/replays', asOps, '{from'));
    expect([malformed.status, json(malformed.body).error.code]).toEqual([400, 'MALFORMED_JSON']);
    expect((await handle(request('GET', '/console/api/replays/mine', asOps))).status).toBe(200);
    expect((await handle(request('GET', '/console/api/replays/someone-elses', asOps))).status).toBe(404);
    expect(archive.describeReplay).toHaveBeenCalledTimes(1);
  });

  it('leaves the archive to IAM for an identity whose role the console cannot know (an AWS profile)', async () => {
    const profile = consoleHandler({
      assetsDir,
      backend: { ...backend, identities: [{ name: 'default', principal: 'the default AWS credentials' }] },
    });
    expect((await profile(request('GET', '/console/api/archive'))).status).toBe(200);
  });

  it("tells an AWS refusal of the archive as the user's lack of a grant", async () => {
    archive.describe.mockRejectedValueOnce(
      Object.assign(new Error('User is not authorized to perform events:DescribeArchive'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const denied = await handle(request('GET', '/console/api/archive', { ...api, 'x-async-jobs-identity': 'ops' }));
    expect([denied.status, json(denied.body).error]).toEqual([
      403,
      { code: 'ACCESS_DENIED', message: 'User is not authorized to perform events:DescribeArchive' },
    ]);
  });
});
