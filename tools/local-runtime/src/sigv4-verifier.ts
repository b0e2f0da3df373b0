import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '@async-jobs/client';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface IncomingSignedRequest {
  method: string;
  /** The raw path as sent, percent-encoding included. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type VerifyResult = { ok: true } | { ok: false; code: 'MISSING_AUTHENTICATION' | 'INVALID_SIGNATURE' | 'SIGNATURE_EXPIRED'; message: string };

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 5 * 60_000;

/**
 * Checks an AWS Signature Version 4 as API Gateway's IAM authorization does for `execute-api`:
 * the key must be ours, the date within five minutes, and the signature must match the request
 * recomputed (method, path, query, signed headers, body) with our secret.
 */
export async function verifySigV4(request: IncomingSignedRequest, credentials: LocalCredentials, region: string, now = new Date()): Promise<VerifyResult> {
  const header = first(request.headers['authorization']);
  if (!header) return { ok: false, code: 'MISSING_AUTHENTICATION', message: 'The request is not signed: an Authorization header with AWS Signature Version 4 is required' };
  const parts = AUTHORIZATION.exec(header);
  if (!parts) return { ok: false, code: 'INVALID_SIGNATURE', message: 'The Authorization header is not an AWS4-HMAC-SHA256 signature' };
  const [, accessKeyId, , signedRegion, service, signedHeaders, signature] = parts;
  if (accessKeyId !== credentials.accessKeyId) return { ok: false, code: 'INVALID_SIGNATURE', message: 'The security token included in the request is invalid' };
  if (service !== 'execute-api' || signedRegion !== region) {
    return { ok: false, code: 'INVALID_SIGNATURE', message: `The credential scope must be ${region}/execute-api` };
  }
  const amzDate = first(request.headers['x-amz-date']);
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) return { ok: false, code: 'INVALID_SIGNATURE', message: 'The request needs an X-Amz-Date header' };
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return { ok: false, code: 'SIGNATURE_EXPIRED', message: `Signature expired: ${amzDate} is more than 5 minutes from the server's time` };
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { ok: false, code: 'INVALID_SIGNATURE', message: 'The host header must be signed' };
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) return { ok: false, code: 'INVALID_SIGNATURE', message: `The signed header ${name} is missing` };
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // A signed content hash must be the body's: otherwise a captured signature would carry any body.
  const declaredHash = first(request.headers['x-amz-content-sha256']);
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    return { ok: false, code: 'INVALID_SIGNATURE', message: 'The body does not match its signed x-amz-content-sha256' };
  }
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256, uriEscapePath: true });
  const [host, port] = (headers['host'] ?? '').split(':');
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: host,
      port: port ? Number(port) : undefined,
      path: decodePath(request.path),
      query: request.query,
      headers,
      body: request.body.length ? request.body : undefined,
    },
    { signingDate },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  const same = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  return same ? { ok: true } : { ok: false, code: 'INVALID_SIGNATURE', message: 'The request signature does not match: check the secret key and the signing method' };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** The signer escapes the path itself; give it the decoded segments so that escaping reproduces what was sent. */
function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}
