import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '@async-jobs/client';
import { verifySigV4, type IncomingSignedRequest } from './sigv4-verifier';

const credentials = { accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' };
const region = 'us-east-1';

async function signed(overrides: { body?: string; path?: string; date?: Date; secret?: string; service?: string } = {}): Promise<IncomingSignedRequest> {
  const body = overrides.body ?? '{"seconds":1}';
  const signer = new SignatureV4({ service: overrides.service ?? 'execute-api', region, credentials: { ...credentials, secretAccessKey: overrides.secret ?? credentials.secretAccessKey }, sha256: NodeSha256 });
  const request = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: 'localhost', port: 3000, path: overrides.path ?? '/jobs', headers: { host: 'localhost:3000', 'content-type': 'application/json' }, body },
    { signingDate: overrides.date ?? new Date() },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', path: overrides.path ?? '/jobs', query: {}, headers, body: Buffer.from(body) };
}

describe('verifySigV4', () => {
  it('accepts a request signed with our key for execute-api in our region', async () => {
    expect(await verifySigV4(await signed(), credentials, region)).toEqual({ ok: true });
  });

  it('accepts a path with characters that travel percent-encoded', async () => {
    const request = await signed({ path: '/jobs/a b' }); // the client signs the path; the wire carries it encoded
    expect(await verifySigV4({ ...request, path: '/jobs/a%20b' }, credentials, region)).toEqual({ ok: true });
  });

  it('refuses an unsigned request', async () => {
    const request = await signed();
    delete request.headers['authorization'];
    expect(await verifySigV4(request, credentials, region)).toMatchObject({ ok: false, code: 'MISSING_AUTHENTICATION' });
  });

  it('refuses a signature made with the wrong secret', async () => {
    expect(await verifySigV4(await signed({ secret: 'guess' }), credentials, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('refuses a tampered body, with or without the content hash header', async () => {
    const request = await signed();
    const tampered = { ...request, body: Buffer.from('{"seconds":300}') };
    expect(await verifySigV4(tampered, credentials, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    const { ['x-amz-content-sha256']: _hash, ...withoutHash } = request.headers;
    expect(await verifySigV4({ ...tampered, headers: withoutHash }, credentials, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('refuses an expired signature, or one replayed more than five minutes later', async () => {
    const old = await signed({ date: new Date(Date.now() - 6 * 60_000) });
    expect(await verifySigV4(old, credentials, region)).toMatchObject({ ok: false, code: 'SIGNATURE_EXPIRED' });
    const fresh = await signed();
    expect(await verifySigV4(fresh, credentials, region, new Date(Date.now() + 6 * 60_000))).toMatchObject({ ok: false, code: 'SIGNATURE_EXPIRED' });
  });

  it('refuses another key id, service or a changed path', async () => {
    expect(await verifySigV4(await signed(), { ...credentials, accessKeyId: 'AKIAOTHER' }, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    expect(await verifySigV4(await signed({ service: 's3' }), credentials, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    const request = await signed();
    expect(await verifySigV4({ ...request, path: '/jobs/other' }, credentials, region)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });
});
