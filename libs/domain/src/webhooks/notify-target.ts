import { Type } from '@sinclair/typebox';
import type { FieldError } from '../errors';

export const NOTIFY_URL_MAX_LENGTH = 2048;

/** Where the finished job's view is POSTed, signed (docs/architecture.md, Webhooks). */
export const notifySchema = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: NOTIFY_URL_MAX_LENGTH,
      description: "An https URL on the environment's allow-list of hosts; the job's view is POSTed there, signed, when the job finishes.",
    }),
  },
  { additionalProperties: false, description: 'Call me back when the job finishes.' },
);

export interface NotifyTarget {
  url: string;
}

/**
 * Which webhook URLs an environment accepts: an SSRF guard, so that a caller cannot make the product POST to an
 * internal address. `allowedHosts`: exact host names, or `*.example.com` for any host under example.com (not the apex).
 * `allowLoopbackHttp`: plain http to localhost, 127.0.0.1 or [::1] (the local system's test servers), nowhere else.
 */
export interface WebhookPolicy {
  allowedHosts: readonly string[];
  allowLoopbackHttp: boolean;
}

/** No webhook anywhere: what an environment gets until its settings name hosts. */
export const NO_WEBHOOKS: WebhookPolicy = { allowedHosts: [], allowLoopbackHttp: false };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** What is wrong with a notify URL under the policy, as the offending field; undefined when it is acceptable. */
export function notifyUrlProblem(url: string, policy: WebhookPolicy): FieldError | undefined {
  const field = '/notify/url';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { field, code: 'INVALID_FORMAT', message: 'Expected an absolute URL, e.g. https://hooks.example.com/jobs' };
  }
  const host = parsed.hostname.toLowerCase();
  const loopbackHttp = policy.allowLoopbackHttp && parsed.protocol === 'http:' && LOOPBACK.has(host);
  if (parsed.protocol !== 'https:' && !loopbackHttp)
    return { field, code: 'INVALID_FORMAT', message: `Expected an https URL, got ${parsed.protocol.replace(':', '')}` };
  // Credentials in the URL would be stored with the job and shown in its view.
  if (parsed.username || parsed.password)
    return { field, code: 'INVALID_FORMAT', message: 'The URL must not carry a user name or password' };
  if (!loopbackHttp && !hostAllowed(host, policy.allowedHosts)) {
    const allowed = policy.allowedHosts.length ? policy.allowedHosts.join(', ') : 'none (the environment accepts no webhooks)';
    return { field, code: 'INVALID_VALUE', message: `The host ${host} is not on this environment's allow-list: ${allowed}` };
  }
  return undefined;
}

/** Whether a host is on the allow-list: an exact entry, or under a `*.` entry's domain. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowedHosts.some((entry) => {
    const pattern = entry.toLowerCase();
    return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern;
  });
}
