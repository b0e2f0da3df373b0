import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { RunningLocalSystem } from '@async-jobs/local-services';

interface BadRequest {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const ID = '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21';
const deep = (depth: number): string => (depth === 0 ? '1' : `{"a":${deep(depth - 1)}}`);

/** The bad-input battery, sent over HTTP through the local gateway as a client would send it. */
const BATTERY: BadRequest[] = [
  { name: 'malformed JSON', method: 'POST', path: '/jobs', body: '{"seconds": ', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
  { name: 'truncated JSON', method: 'POST', path: '/jobs', body: '{"seconds": 1', headers: JSON_TYPE, status: 400, code: 'MALFORMED_JSON' },
  {
    name: 'JSON with a trailing comma',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds": 1,}',
    headers: JSON_TYPE,
    status: 400,
    code: 'MALFORMED_JSON',
  },
  { name: 'an empty body', method: 'POST', path: '/jobs', body: '', headers: JSON_TYPE, status: 400, code: 'MISSING_BODY' },
  {
    name: 'text/plain',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":1}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'XML',
    method: 'POST',
    path: '/jobs',
    body: '<seconds>1</seconds>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'multipart form',
    method: 'POST',
    path: '/jobs',
    body: '--x\r\n\r\n1\r\n--x--',
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a form body that is not JSON',
    method: 'POST',
    path: '/jobs',
    body: 'seconds=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'an array',
    method: 'POST',
    path: '/jobs',
    body: '[{"seconds":1}]',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '',
  },
  {
    name: 'a string',
    method: 'POST',
    path: '/jobs',
    body: '"seconds"',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '',
  },
  { name: 'a number', method: 'POST', path: '/jobs', body: '5', headers: JSON_TYPE, status: 400, code: 'VALIDATION_FAILED', field: '' },
  { name: 'null', method: 'POST', path: '/jobs', body: 'null', headers: JSON_TYPE, status: 400, code: 'VALIDATION_FAILED', field: '' },
  {
    name: 'an empty object',
    method: 'POST',
    path: '/jobs',
    body: '{}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds 0',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":0}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds -1',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":-1}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds 1.5',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":1.5}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds "5"',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":"5"}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds true',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":true}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds null',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":null}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds 1e400',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":1e400}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds 3601',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":3601}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'seconds as an object',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":{"n":1}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/seconds',
  },
  {
    name: 'an extra field',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":1,"priority":9}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/priority',
  },
  {
    name: 'a prototype key',
    method: 'POST',
    path: '/jobs',
    body: '{"seconds":1,"__proto__":{"x":1}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/__proto__',
  },
  {
    name: 'an unknown job type',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"resize","input":{}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/type',
  },
  {
    name: 'a job type in capitals',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"SLEEP","input":{"seconds":1}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/type',
  },
  {
    name: 'a type without input',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"sleep"}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/input',
  },
  {
    name: 'input as an array',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"sleep","input":[1]}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/input',
  },
  {
    name: 'input of the wrong shape',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"sleep","input":{"seconds":"x"}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/input/seconds',
  },
  {
    name: 'noop with input',
    method: 'POST',
    path: '/jobs',
    body: '{"type":"noop","input":{"x":1}}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/input/x',
  },
  {
    name: 'a deeply nested body',
    method: 'POST',
    path: '/jobs',
    body: deep(500),
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a valid body over the API limit',
    method: 'POST',
    path: '/jobs',
    body: `{"seconds":1${' '.repeat(20_000)}}`,
    headers: JSON_TYPE,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'an oversized body with an extra field',
    method: 'POST',
    path: '/jobs',
    body: JSON.stringify({ seconds: 1, pad: 'x'.repeat(20_000) }),
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '/pad',
  },
  {
    name: 'a form body over the API limit',
    method: 'POST',
    path: '/jobs',
    body: JSON.stringify({ seconds: 1, pad: 'x'.repeat(20_000) }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'a malformed id', method: 'GET', path: '/jobs/abc', status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  { name: 'an overlong id', method: 'GET', path: `/jobs/${'a'.repeat(2000)}`, status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  { name: 'an upper-case id', method: 'GET', path: `/jobs/${ID.toUpperCase()}`, status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  {
    name: 'an encoded path traversal in the id',
    method: 'GET',
    path: '/jobs/..%2F..%2Fetc%2Fpasswd',
    status: 400,
    code: 'INVALID_JOB_ID',
    field: 'jobId',
  },
  { name: 'a broken escape in the id', method: 'GET', path: '/jobs/%E0%A4%A', status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  { name: 'an encoded slash in the id', method: 'GET', path: `/jobs/${ID}%2Fcancel`, status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  { name: 'a malformed id to cancel', method: 'POST', path: '/jobs/abc/cancel', status: 400, code: 'INVALID_JOB_ID', field: 'jobId' },
  { name: 'an unknown job to cancel', method: 'POST', path: `/jobs/${ID}/cancel`, status: 404, code: 'JOB_NOT_FOUND' },
  { name: 'an unknown job', method: 'GET', path: `/jobs/${ID}`, status: 404, code: 'JOB_NOT_FOUND' },
  { name: 'an unknown route', method: 'GET', path: '/jobz', status: 404, code: 'ROUTE_NOT_FOUND' },
  { name: 'a nested unknown route', method: 'GET', path: `/jobs/${ID}/results/1`, status: 404, code: 'ROUTE_NOT_FOUND' },
  { name: 'DELETE on /jobs', method: 'DELETE', path: '/jobs', status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'PUT on a job', method: 'PUT', path: `/jobs/${ID}`, body: '{}', headers: JSON_TYPE, status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'PATCH on a job', method: 'PATCH', path: `/jobs/${ID}`, body: '{}', headers: JSON_TYPE, status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'GET on cancel', method: 'GET', path: `/jobs/${ID}/cancel`, status: 405, code: 'METHOD_NOT_ALLOWED' },
  {
    name: 'a stray query parameter on submit',
    method: 'POST',
    path: '/jobs?wait=true',
    body: '{"seconds":1}',
    headers: JSON_TYPE,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '?wait',
  },
  {
    name: 'a duplicate query parameter',
    method: 'GET',
    path: '/jobs?status=PENDING&status=RUNNING',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '?status',
  },
  { name: 'an unknown status', method: 'GET', path: '/jobs?status=DONE', status: 400, code: 'VALIDATION_FAILED', field: '?status' },
  { name: 'a limit out of range', method: 'GET', path: '/jobs?limit=0', status: 400, code: 'VALIDATION_FAILED', field: '?limit' },
  {
    name: 'a forged page token',
    method: 'GET',
    path: '/jobs?nextToken=eyJ4IjoxfQ',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '?nextToken',
  },
];

describe('the bad-input battery through the local gateway', () => {
  let system: RunningLocalSystem;
  let dynamodb: DynamoDBClient;
  const count = async () =>
    (await dynamodb.send(new ScanCommand({ TableName: system.state.resources.tableName, Select: 'COUNT', ConsistentRead: true }))).Count ??
    0;

  beforeAll(async () => {
    system = await RunningLocalSystem.start([]);
    dynamodb = new DynamoDBClient({
      endpoint: system.state.dynamodbEndpoint,
      region: system.state.region,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
  });
  afterAll(async () => {
    dynamodb?.destroy();
    await system?.stop();
    system?.cleanUp();
  });

  it(`has at least 40 distinct cases (${BATTERY.length})`, () => {
    expect(new Set(BATTERY.map((c) => c.name)).size).toBe(BATTERY.length);
    expect(BATTERY.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BATTERY)('refuses $name with $status $code, naming the field, and writes nothing', async (bad) => {
    const before = await count();
    const response = await fetch(`${system.apiUrl}${bad.path}`, { method: bad.method, body: bad.body, headers: bad.headers ?? {} });
    const body = (await response.json()) as { error: { code: string; message: string; details?: { field: string }[] } };

    expect([response.status, body.error.code]).toEqual([bad.status, bad.code]);
    expect(body.error.message).toEqual(expect.any(String));
    if (bad.field !== undefined) expect(body.error.details?.map((d) => d.field)).toContain(bad.field);
    expect(JSON.stringify(body)).not.toContain('x'.repeat(100)); // never echoes a payload back
    expect(await count()).toBe(before);
  });
});
