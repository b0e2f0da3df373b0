import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { RunningLocalSystem, type LocalPrincipal } from '@async-jobs/local-services';
import { botocoreRequest, curlRequest, type Answer, type SignedRequest } from './foreign-signers/foreign-signers';

/**
 * The local gateway against signers we did not write: curl's `--aws-sigv4` and botocore's
 * `SigV4Auth` (the AWS CLI's and boto3's), on every route, as a user with long-term keys and as a
 * role session with a session token; then what API Gateway refuses, refused with its code, and
 * nothing written.
 */
const run = promisify(execFile);

describe('signatures any AWS client makes (npm start -- --auth)', () => {
  let system: RunningLocalSystem;
  let region: string;
  const url = (path: string) => `${system.apiUrl}${path}`;
  const principal = (name: string): LocalPrincipal => {
    const found = system.state.principals?.find((p) => p.name === name);
    if (!found) throw new Error(`no local principal ${name}`);
    return found;
  };

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--auth']);
    region = system.state.region;
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
  });

  /**
   * What each signer gets right. curl 7.88 (Debian 12's) signs the path as sent, not encoded once
   * more, and the query in the order given, not sorted: API Gateway refuses its signature for a path
   * with escapes or parameters out of order, and so does the local gateway.
   */
  const signers: [
    string,
    (request: SignedRequest, keys: LocalPrincipal) => Promise<Answer>,
    { encodesPaths: boolean; sortsQuery: boolean },
  ][] = [
    ['curl --aws-sigv4', (request, keys) => curlRequest(request, keys), { encodesPaths: false, sortsQuery: false }],
    ["botocore's SigV4Auth", (request, keys) => botocoreRequest(request, keys), { encodesPaths: true, sortsQuery: true }],
  ];

  describe.each(signers)('signed by %s', (_signer, send, { encodesPaths, sortsQuery }) => {
    it.each(['alice', 'bob'])('serves every route to %s', async (name) => {
      const keys = principal(name);
      const submitted = await send({ method: 'POST', url: url('/jobs'), body: '{"type":"sleep","input":{"seconds":30}}', region }, keys);
      expect(submitted).toMatchObject({ status: 202, body: { status: 'PENDING' } });
      const jobId: string = submitted.body.jobId;

      expect(await send({ method: 'GET', url: url(`/jobs/${jobId}`), region }, keys)).toMatchObject({ status: 200, body: { jobId } });
      if (encodesPaths) {
        // A percent-encoded path segment is signed as sent, and encoded once more in the canonical request.
        expect(await send({ method: 'GET', url: url(`/jobs/${jobId.replace(/-/g, '%2D')}`), region }, keys)).toMatchObject({
          status: 200,
          body: { jobId },
        });
      }

      const listed = await send(
        { method: 'GET', url: url(sortsQuery ? '/jobs?type=sleep&limit=100' : '/jobs?limit=100&type=sleep'), region },
        keys,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
      // An encoded value and a repeated key pass the signature check; the API then refuses each for what it is.
      expect(await send({ method: 'GET', url: url('/jobs?type=no%20such%2Ftype'), region }, keys)).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', details: [{ field: '?type' }] } },
      });
      expect(
        await send({ method: 'GET', url: url(sortsQuery ? '/jobs?limit=5&limit=4' : '/jobs?limit=4&limit=5'), region }, keys),
      ).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: '?limit' }] } } });

      expect(await send({ method: 'POST', url: url(`/jobs/${jobId}/cancel`), region }, keys)).toMatchObject({
        status: 200,
        body: { jobId, status: 'CANCELLED' },
      });
      expect(await send({ method: 'GET', url: url('/openapi.json'), region }, keys)).toMatchObject({
        status: 200,
        body: { openapi: expect.stringMatching(/^3\./) },
      });
    });
  });

  it('prints each principal with a curl command that works as printed', async () => {
    const commands = [...system.output.matchAll(/^ +try +(curl --aws-sigv4 .+)$/gm)].map((m) => m[1]);
    expect(commands).toHaveLength(system.state.principals?.length ?? -1);
    for (const command of commands) {
      const { stdout } = await run('bash', ['-c', `${command} -sS -w '\\n%{http_code}'`]);
      expect(stdout.split('\n').pop()).toBe('202');
    }
  });

  describe('what API Gateway refuses', () => {
    const submit = { method: 'POST', body: '{"type":"sleep","input":{"seconds":1}}' };

    it.each<[string, () => Promise<Answer>, string, RegExp]>([
      [
        'no signature',
        async () => system.request('POST', '/jobs', submit.body, { 'content-type': 'application/json' }),
        'MISSING_AUTHENTICATION',
        /Missing Authentication Token/,
      ],
      [
        'no signature on a read',
        async () => system.request('GET', '/jobs?limit=5'),
        'MISSING_AUTHENTICATION',
        /Missing Authentication Token/,
      ],
      [
        'no signature on a cancel',
        async () => system.request('POST', '/jobs/3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21/cancel'),
        'MISSING_AUTHENTICATION',
        /Missing Authentication Token/,
      ],
      [
        'the wrong secret (curl)',
        () => curlRequest({ ...submit, url: url('/jobs'), region }, { ...principal('alice'), secretAccessKey: 'not-the-secret' }),
        'INVALID_SIGNATURE',
        /does not match/,
      ],
      [
        'another region in the scope (curl)',
        () => curlRequest({ ...submit, url: url('/jobs'), region: 'eu-west-1' }, principal('alice')),
        'INVALID_SIGNATURE',
        /valid region/,
      ],
      [
        'another service in the scope (botocore)',
        () => botocoreRequest({ ...submit, url: url('/jobs'), region, service: 's3' }, principal('alice')),
        'INVALID_SIGNATURE',
        /correct service/,
      ],
      [
        'a signature ten minutes old (botocore)',
        () => botocoreRequest({ ...submit, url: url('/jobs'), region }, principal('alice'), { signedAt: new Date(Date.now() - 600_000) }),
        'INVALID_SIGNATURE',
        /Signature expired/,
      ],
      [
        'a body changed after signing (botocore)',
        () =>
          botocoreRequest({ ...submit, url: url('/jobs'), region }, principal('bob'), {
            tamper: { body: '{"type":"sleep","input":{"seconds":2}}' },
          }),
        'INVALID_SIGNATURE',
        /does not match/,
      ],
      [
        'a query changed after signing (botocore)',
        () => botocoreRequest({ method: 'GET', url: url('/jobs?limit=5'), region }, principal('alice'), { tamper: { query: 'limit=6' } }),
        'INVALID_SIGNATURE',
        /does not match/,
      ],
      [
        'a path changed after signing (botocore)',
        () =>
          botocoreRequest({ method: 'POST', url: url('/jobs/3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21/cancel'), region }, principal('alice'), {
            tamper: { path: '/jobs/0b6d8e4c-5b7d-4c1e-9f2a-3f1c2e9a7a21/cancel' },
          }),
        'INVALID_SIGNATURE',
        /does not match/,
      ],
      [
        'a signed header left out (botocore)',
        () =>
          botocoreRequest({ ...submit, url: url('/jobs'), region, headers: { 'x-team': 'payments' } }, principal('alice'), {
            tamper: { dropHeader: 'x-team' },
          }),
        'INVALID_SIGNATURE',
        /signed header 'x-team'/,
      ],
      [
        'an unknown access key (curl)',
        () => curlRequest({ ...submit, url: url('/jobs'), region }, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }),
        'FORBIDDEN',
        /security token included in the request is invalid/,
      ],
      [
        "a role session's keys without its session token (curl)",
        () => curlRequest({ ...submit, url: url('/jobs'), region }, principal('bob'), { omitSessionToken: true }),
        'FORBIDDEN',
        /security token/,
      ],
    ])('refuses %s with 403 and writes nothing', async (_case, send, code, message) => {
      const before = await storedItems();
      const answer = await send();
      expect(answer).toMatchObject({ status: 403, body: { error: { code, message: expect.stringMatching(message) } } });
      expect(await storedItems()).toBe(before);
    });
  });

  async function storedItems(): Promise<number> {
    const dynamodb = new DynamoDBClient({
      region,
      endpoint: system.state.dynamodbEndpoint,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const { Count } = await dynamodb.send(
      new ScanCommand({ TableName: system.state.resources.tableName, Select: 'COUNT', ConsistentRead: true }),
    );
    dynamodb.destroy();
    return Count ?? 0;
  }
});
