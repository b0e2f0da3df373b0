import { createHash } from 'node:crypto';

/**
 * The canonical request of AWS Signature Version 4, built from a request as it arrived on the
 * wire, following AWS's specification ("Create a canonical request for Signature Version 4") for
 * services other than S3, which API Gateway's IAM authorization (`execute-api`) is.
 */
export interface WireRequest {
  method: string;
  /** The path exactly as sent, percent-encoding included. */
  rawPath: string;
  /** The query string exactly as sent, without the `?`. */
  rawQuery: string;
  /** Header names in any case; repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  /** The payload hash the signer used: the hex SHA-256 of the body. */
  payloadHash: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 percent-encoding as SigV4 requires: everything but A–Z a–z 0–9 - _ . ~ (and `/` in paths). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The canonical URI: the path with its dot segments removed, then URI-encoded as a whole. The path
 * on the wire is already encoded once, so each segment ends up encoded twice, as the specification
 * requires for every service but S3 (`%20` in the request becomes `%2520`).
 */
export function canonicalUri(rawPath: string): string {
  const path = removeDotSegments(rawPath || '/');
  return uriEncode(path.startsWith('/') ? path : `/${path}`, true);
}

/** RFC 3986 §5.2.4, keeping a trailing slash. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  for (const [i, segment] of segments.entries()) {
    if (segment === '.') {
      if (i === segments.length - 1) out.push('');
    } else if (segment === '..') {
      if (out.length > 1) out.pop();
      if (i === segments.length - 1) out.push('');
    } else out.push(segment);
  }
  return out.join('/') || '/';
}

/**
 * The canonical query string: every parameter decoded from the wire, encoded again the SigV4 way,
 * sorted by name then value (byte order), `name=value` joined by `&`; a parameter without a value
 * keeps an empty one.
 */
export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const at = part.indexOf('=');
      const [name, value] = at === -1 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
      return [uriEncode(decode(name)), uriEncode(decode(value))] as const;
    });
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

/** `name:value\n` for each signed header: the name lower-cased, the value trimmed with inner runs of spaces collapsed, repeated values joined by commas. */
export function canonicalHeaders(headers: WireRequest['headers'], signedNames: readonly string[]): string | { missing: string } {
  const byName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = byName.get(name.toLowerCase()) ?? [];
    values.push(...(Array.isArray(value) ? value : [value]));
    byName.set(name.toLowerCase(), values);
  }
  let out = '';
  for (const name of signedNames) {
    const values = byName.get(name);
    if (!values) return { missing: name };
    out += `${name}:${values.map((v) => v.trim().replace(/ +/g, ' ')).join(',')}\n`;
  }
  return out;
}

export function canonicalRequest(request: WireRequest, signedNames: readonly string[]): string | { missing: string } {
  const headers = canonicalHeaders(request.headers, signedNames);
  if (typeof headers !== 'string') return headers;
  return [
    request.method.toUpperCase(),
    canonicalUri(request.rawPath),
    canonicalQuery(request.rawQuery),
    headers,
    signedNames.join(';'),
    request.payloadHash,
  ].join('\n');
}
