import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LocalPrincipal } from '@async-jobs/local-services';
import { canonicalRequest, sha256Hex, type WireRequest } from './canonical-request';

export type { LocalPrincipal };

/**
 * Why a request was refused, with the codes the deployed API's gateway responses give: no
 * signature (MISSING_AUTHENTICATION_TOKEN), a signature that does not match, is expired or is
 * scoped elsewhere (INVALID_SIGNATURE), and a key or session token that is not valid
 * (FORBIDDEN, as API Gateway refuses an unrecognised client).
 */
export type VerifyFailure = { ok: false; code: 'MISSING_AUTHENTICATION' | 'INVALID_SIGNATURE' | 'FORBIDDEN'; message: string };
export type VerifyResult = { ok: true; principal: LocalPrincipal } | VerifyFailure;

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** `Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`, in any order, spaces optional. */
const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+(.+)$/;
const MAX_SKEW_MS = 5 * 60_000;

const refuse = (code: VerifyFailure['code'], message: string): VerifyFailure => ({ ok: false, code, message });

/**
 * Checks an AWS Signature Version 4 the way API Gateway's IAM authorization does for
 * `execute-api`: a known key, a credential scope of this region and service on the signing date,
 * a signing time within five minutes, `host` and every listed header signed and present, the
 * session token of temporary credentials, and the signature recomputed from the request as it
 * arrived. Whether the client signed `x-amz-content-sha256`, sent it unsigned or not at all, the
 * payload is hashed from the body itself.
 */
export function verifySigV4(
  request: Omit<WireRequest, 'payloadHash'> & { body: Buffer },
  principals: readonly LocalPrincipal[],
  region: string,
  now = new Date(),
): VerifyResult {
  const header = first(headerOf(request.headers, 'authorization'));
  if (!header)
    return refuse(
      'MISSING_AUTHENTICATION',
      'Missing Authentication Token: the request needs an Authorization header with AWS Signature Version 4',
    );
  const fields = parseAuthorization(header);
  if (!fields)
    return refuse('INVALID_SIGNATURE', `Authorization header requires ${ALGORITHM} with Credential, SignedHeaders and Signature`);
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = fields.credential.split('/');
  const principal = principals.find((p) => p.accessKeyId === accessKeyId);
  if (!principal) return refuse('FORBIDDEN', 'The security token included in the request is invalid');
  if (terminator !== 'aws4_request' || !/^\d{8}$/.test(scopeDate ?? ''))
    return refuse('INVALID_SIGNATURE', 'Credential should be scoped with a valid terminator: aws4_request');
  if (scopeService !== 'execute-api') return refuse('INVALID_SIGNATURE', "Credential should be scoped to correct service: 'execute-api'");
  if (scopeRegion !== region) return refuse('INVALID_SIGNATURE', `Credential should be scoped to a valid region, not '${scopeRegion}'`);

  const amzDate = first(headerOf(request.headers, 'x-amz-date'));
  const dateHeader = first(headerOf(request.headers, 'date'));
  const signedAt = amzDate ? parseAmzDate(amzDate) : dateHeader ? new Date(dateHeader) : undefined;
  if (!signedAt || Number.isNaN(signedAt.getTime())) return refuse('INVALID_SIGNATURE', 'The request needs an X-Amz-Date (or Date) header');
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    return refuse(
      'INVALID_SIGNATURE',
      `Signature expired: ${amzDate ?? dateHeader} is more than 5 minutes from the server's time ${toAmzDate(now)}`,
    );
  }
  if (toAmzDate(signedAt).slice(0, 8) !== scopeDate)
    return refuse(
      'INVALID_SIGNATURE',
      `Credential should be scoped to the signing date ${toAmzDate(signedAt).slice(0, 8)}, not ${scopeDate}`,
    );

  const signedNames = fields.signedHeaders.split(';');
  if (!signedNames.includes('host')) return refuse('INVALID_SIGNATURE', "'Host' must be a signed header");
  const token = first(headerOf(request.headers, 'x-amz-security-token'));
  if (principal.sessionToken !== undefined && token !== principal.sessionToken)
    return refuse('FORBIDDEN', 'The security token included in the request is invalid');
  if (principal.sessionToken === undefined && token !== undefined)
    return refuse('FORBIDDEN', 'The security token included in the request is invalid');

  const payloadHash = sha256Hex(request.body);
  // A hash the client declared must be the body's, signed or not: otherwise a signature would carry any body.
  const declared = first(headerOf(request.headers, 'x-amz-content-sha256'));
  if (declared !== undefined && declared !== payloadHash)
    return refuse('INVALID_SIGNATURE', 'The request body does not match its x-amz-content-sha256');
  const canonical = canonicalRequest({ ...request, payloadHash }, signedNames);
  if (typeof canonical !== 'string') return refuse('INVALID_SIGNATURE', `The signed header '${canonical.missing}' is not in the request`);

  const expected = signatureOf(
    principal.secretAccessKey,
    `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`,
    toAmzDate(signedAt),
    canonical,
  );
  const given = Buffer.from(fields.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    return refuse(
      'INVALID_SIGNATURE',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true, principal };
}

/** The signature of a canonical request: the string to sign, HMAC'd with the key derived for the scope. */
export function signatureOf(secretAccessKey: string, scope: string, amzDate: string, canonical: string): string {
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
  const [date, region, service] = scope.split('/');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function parseAuthorization(header: string): { credential: string; signedHeaders: string; signature: string } | undefined {
  const rest = AUTHORIZATION.exec(header.trim())?.[1];
  if (!rest) return undefined;
  const fields = Object.fromEntries(
    rest.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (!credential || !signedHeaders || !/^[0-9a-f]{64}$/.test(signature ?? '')) return undefined;
  return { credential, signedHeaders, signature };
}

function headerOf(headers: WireRequest['headers'], name: string): string | string[] | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
