import { createHmac } from 'node:crypto';
import { canonicalQuery, canonicalRequest, canonicalUri, sha256Hex } from './canonical-request';
import { signatureOf, verifySigV4, type LocalPrincipal } from './sigv4-verifier';

/**
 * Known answers first: AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE,
 * 2015-08-30T12:36:00Z, us-east-1, service "service") and RFC 4231's HMAC-SHA256 cases, against
 * hard-coded hex. A verifier that hashed or keyed differently from AWS fails here, whatever it
 * agrees with itself about. The foreign signers (curl, botocore) are in the end-to-end suite.
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_DATE = '20150830T123600Z';
const SUITE_SCOPE = '20150830/us-east-1/service/aws4_request';
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const host = { Host: 'example.amazonaws.com', 'X-Amz-Date': SUITE_DATE };

function suiteSignature(method: string, rawPath: string, rawQuery: string, headers: Record<string, string>, body = ''): string {
  const signed = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const canonical = canonicalRequest({ method, rawPath, rawQuery, headers, payloadHash: sha256Hex(body) }, signed);
  if (typeof canonical !== 'string') throw new Error(`missing ${canonical.missing}`);
  return signatureOf(SECRET, SUITE_SCOPE, SUITE_DATE, canonical);
}

describe('HMAC-SHA256, as RFC 4231 publishes it', () => {
  it('matches test cases 1 and 2', () => {
    expect(createHmac('sha256', Buffer.alloc(20, 0x0b)).update('Hi There').digest('hex')).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe("AWS's Signature Version 4 test suite", () => {
  it('get-vanilla: the canonical request and signature AWS published', () => {
    expect(
      canonicalRequest({ method: 'GET', rawPath: '/', rawQuery: '', headers: host, payloadHash: EMPTY_HASH }, ['host', 'x-amz-date']),
    ).toBe(['GET', '/', '', 'host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date', EMPTY_HASH].join('\n'));
    expect(suiteSignature('GET', '/', '', host)).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('get-vanilla-query-order-key-case: parameters sorted by name', () => {
    expect(suiteSignature('GET', '/', 'Param2=value2&Param1=value1', host)).toBe(
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('post-vanilla', () => {
    expect(suiteSignature('POST', '/', '', host)).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('post-x-www-form-urlencoded: the body hashed into the request', () => {
    expect(sha256Hex('Param1=value1')).toBe('9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e');
    expect(suiteSignature('POST', '/', '', { 'Content-Type': 'application/x-www-form-urlencoded', ...host }, 'Param1=value1')).toBe(
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });

  it('get-header-value-trim: header values trimmed, inner runs of spaces collapsed', () => {
    expect(suiteSignature('GET', '/', '', { ...host, 'My-Header1': ' value1', 'My-Header2': ' "a   b   c"' })).toBe(
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    );
  });

  it('get-utf8: a UTF-8 path encoded byte by byte', () => {
    expect(suiteSignature('GET', '/ሴ', '', host)).toBe('8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85');
  });
});

describe('the canonical form of what arrives on the wire', () => {
  it('encodes the path as sent once more, as every service but S3 requires', () => {
    expect(canonicalUri('/jobs/a%20b')).toBe('/jobs/a%2520b');
    expect(canonicalUri('/jobs/./x/../y/')).toBe('/jobs/y/');
  });

  it('sorts parameters by name then value, decoding and encoding each the SigV4 way', () => {
    expect(canonicalQuery('status=SUCCEEDED&limit=5&a=2&a=1')).toBe('a=1&a=2&limit=5&status=SUCCEEDED');
    expect(canonicalQuery('nextToken=abc%3D%3D&q=a+b&empty')).toBe('empty=&nextToken=abc%3D%3D&q=a%2Bb');
    expect(canonicalQuery('x=%7e%20')).toBe('x=~%20');
  });
});

describe('verifySigV4 for execute-api', () => {
  const region = 'us-east-1';
  const now = new Date('2026-11-30T10:00:00.000Z');
  const amzDate = '20261130T100000Z';
  const alice: LocalPrincipal = {
    name: 'alice',
    accessKeyId: 'AKIAALICE',
    secretAccessKey: 'alice-secret',
    userArn: 'arn:aws:iam::123456789012:user/alice',
    accountId: '123456789012',
    caller: 'AIDAALICE',
    operator: false,
  };
  const temporary: LocalPrincipal = {
    ...alice,
    name: 'temp',
    accessKeyId: 'ASIATEMP',
    secretAccessKey: 'temp-secret',
    sessionToken: 'session-token-1',
  };
  const principals = [alice, temporary];

  /** A request signed for execute-api the way the specification says, with what the test changes. */
  function signed(
    options: {
      principal?: LocalPrincipal;
      secret?: string;
      scope?: string;
      date?: string;
      body?: string;
      query?: string;
      path?: string;
      extraSigned?: Record<string, string>;
    } = {},
  ) {
    const principal = options.principal ?? alice;
    const body = Buffer.from(options.body ?? '{"seconds":1}');
    const headers: Record<string, string> = {
      host: 'localhost:3000',
      'x-amz-date': options.date ?? amzDate,
      'content-type': 'application/json',
      ...(options.extraSigned ?? {}),
    };
    if (principal.sessionToken) headers['x-amz-security-token'] = principal.sessionToken;
    const names = Object.keys(headers).sort();
    const rawPath = options.path ?? '/jobs';
    const rawQuery = options.query ?? '';
    const canonical = canonicalRequest({ method: 'POST', rawPath, rawQuery, headers, payloadHash: sha256Hex(body) }, names) as string;
    const scope = options.scope ?? `${(options.date ?? amzDate).slice(0, 8)}/${region}/execute-api/aws4_request`;
    const signature = signatureOf(options.secret ?? principal.secretAccessKey, scope, options.date ?? amzDate, canonical);
    headers['authorization'] =
      `AWS4-HMAC-SHA256 Credential=${principal.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return { method: 'POST', rawPath, rawQuery, headers: headers as Record<string, string | string[] | undefined>, body };
  }

  it('accepts a correct signature and names its principal', () => {
    expect(verifySigV4(signed(), principals, region, now)).toEqual({ ok: true, principal: alice });
  });

  it('accepts temporary credentials with their session token, and refuses them without it', () => {
    expect(verifySigV4(signed({ principal: temporary }), principals, region, now)).toMatchObject({ ok: true, principal: temporary });
    const withoutToken = signed({ principal: temporary });
    delete withoutToken.headers['x-amz-security-token'];
    expect(verifySigV4(withoutToken, principals, region, now)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it("refuses another session's token, and a token sent with long-term keys", () => {
    const wrongToken = signed({ principal: { ...temporary, sessionToken: 'session-token-2' } });
    expect(verifySigV4(wrongToken, principals, region, now)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const tokenWithUserKeys = signed({ extraSigned: { 'x-amz-security-token': 'session-token-1' } });
    expect(verifySigV4(tokenWithUserKeys, principals, region, now)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses a signature dated more than five minutes ahead, as one five minutes old', () => {
    const ahead = signed({ date: '20261130T100600Z' });
    expect(verifySigV4(ahead, principals, region, now)).toMatchObject({
      ok: false,
      code: 'INVALID_SIGNATURE',
      message: expect.stringMatching(/Signature expired/),
    });
    expect(verifySigV4(signed({ date: '20261130T100400Z' }), principals, region, now)).toMatchObject({ ok: true });
  });

  it('accepts extra headers that were not signed, and headers in any case', () => {
    const request = signed();
    request.headers['User-Agent'] = 'something/1.0';
    request.headers['X-Unsigned'] = 'yes';
    const upper = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifySigV4({ ...request, headers: upper }, principals, region, now)).toMatchObject({ ok: true });
  });

  it.each([
    [
      'no signature at all',
      () => ({ ...signed(), headers: { host: 'localhost:3000' } }),
      'MISSING_AUTHENTICATION',
      /Missing Authentication Token/,
    ],
    [
      'an unknown key',
      () => signed({ principal: { ...alice, accessKeyId: 'AKIAUNKNOWN' } }),
      'FORBIDDEN',
      /security token included in the request is invalid/,
    ],
    ['the wrong secret', () => signed({ secret: 'guess' }), 'INVALID_SIGNATURE', /does not match/],
    [
      'another region',
      () => signed({ scope: '20261130/eu-west-1/execute-api/aws4_request' }),
      'INVALID_SIGNATURE',
      /valid region, not 'eu-west-1'/,
    ],
    [
      'another service',
      () => signed({ scope: '20261130/us-east-1/s3/aws4_request' }),
      'INVALID_SIGNATURE',
      /correct service: 'execute-api'/,
    ],
    [
      'another day in the scope',
      () => signed({ scope: '20261129/us-east-1/execute-api/aws4_request' }),
      'INVALID_SIGNATURE',
      /signing date 20261130/,
    ],
    ['an expired signature', () => signed({ date: '20261130T094000Z' }), 'INVALID_SIGNATURE', /Signature expired/],
    ['a tampered body', () => ({ ...signed(), body: Buffer.from('{"seconds":2}') }), 'INVALID_SIGNATURE', /does not match/],
    ['a tampered query', () => ({ ...signed({ query: 'limit=5' }), rawQuery: 'limit=6' }), 'INVALID_SIGNATURE', /does not match/],
    ['a tampered path', () => ({ ...signed({ path: '/jobs' }), rawPath: '/jobs/' }), 'INVALID_SIGNATURE', /does not match/],
    [
      'a signed header missing',
      () => {
        const r = signed({ extraSigned: { 'x-custom': 'v' } });
        delete r.headers['x-custom'];
        return r;
      },
      'INVALID_SIGNATURE',
      /signed header 'x-custom' is not in the request/,
    ],
    [
      'host not signed',
      () => {
        const r = signed();
        r.headers['authorization'] = String(r.headers['authorization']).replace(
          'SignedHeaders=content-type;host;x-amz-date',
          'SignedHeaders=content-type;x-amz-date',
        );
        return r;
      },
      'INVALID_SIGNATURE',
      /'Host' must be a signed header/,
    ],
  ])('refuses %s', (_case, build, code, message) => {
    expect(verifySigV4(build(), principals, region, now)).toEqual({ ok: false, code, message: expect.stringMatching(message) });
  });

  it('refuses a declared payload hash that is not the body’s, signed or not', () => {
    const request = signed();
    request.headers['x-amz-content-sha256'] = sha256Hex('something else');
    expect(verifySigV4(request, principals, region, now)).toMatchObject({
      ok: false,
      code: 'INVALID_SIGNATURE',
      message: expect.stringMatching(/body does not match/),
    });
  });
});
